// The Learn page's pure logic: every step shows a command or says why there is none, the stage
// the lessons need, the tunnel experiment's "rose during the check / idle otherwise", the
// discovery answers compared, and the encryption lesson's honest outcome.
import { describe, expect, it } from 'vitest';
import type { TunnelNode, TunnelReading, TunnelSample } from '../../electron/shared/lessons';
import type { ClusterModel, TaskView } from '../../electron/shared/model';
import { cliLines, firstOpen } from '../../renderer/src/learn/steps';
import { joinPreview } from '../../renderer/src/learn/swarm-steps';
import { crossPair, settled, stageStatus } from '../../renderer/src/learn/stage';
import { idleSeen, riseDuring } from '../../renderer/src/learn/tunnel-lesson';
import { compare, type Answers } from '../../renderer/src/learn/discovery';
import { ipsecOutcome } from '../../renderer/src/learn/encryption';
import { HANDSON_CHECKS } from '../../renderer/src/learn/handson';

const host = (n: number, swarm = true) => ({ hostId: `h${n}`, name: `h${n}`, status: 'connected' as const, swarmState: swarm ? ('active' as const) : ('inactive' as const), clusterId: swarm ? 'c1' : undefined, nodeId: `n${n}` });
const node = (n: number) => ({ id: `n${n}`, hostname: `h${n}`, role: n === 1 ? ('manager' as const) : ('worker' as const), availability: 'active' as const, state: 'ready', addr: `10.9.0.${n}`, engineVersion: '20.10', labels: {}, leader: n === 1, hostId: `h${n}`, swarmId: 'c1' });
const task = (id: string, serviceId: string, n: number, ip: string, state = 'running', slot = 1): TaskView => ({ id, serviceId, nodeId: `n${n}`, slot, state, desiredState: 'running', containerId: `c-${id}`, addresses: [{ networkId: 'appnet-id', address: `${ip}/24` }], swarmId: 'c1' });

function model(over: Partial<ClusterModel> = {}): ClusterModel {
  return {
    swarm: { id: 'c1', createdAt: '', managerHostIds: ['h1'], name: 'h1' },
    swarms: [{ id: 'c1', createdAt: '', managerHostIds: ['h1'], name: 'h1' }],
    hosts: [host(1), host(2), host(3)],
    nodes: [node(1), node(2), node(3)],
    networks: [{ id: 'appnet-id', name: 'appnet', driver: 'overlay', scope: 'swarm', attachable: true, internal: false, encrypted: false, ingress: false, subnets: [{ subnet: '10.0.1.0/24' }], labels: {}, swarmId: 'c1' }],
    services: [
      { id: 'fe', name: 'frontend', image: 'lab/web', mode: 'replicated', replicas: 1, endpointMode: 'vip', networkIds: ['appnet-id'], ports: [], vips: [], swarmId: 'c1' },
      { id: 'be', name: 'backend', image: 'lab/web', mode: 'replicated', replicas: 1, endpointMode: 'vip', networkIds: ['appnet-id'], ports: [], vips: [], swarmId: 'c1' },
    ],
    tasks: [task('t1', 'fe', 1, '10.0.1.3'), task('t2', 'be', 2, '10.0.1.4')],
    containers: [],
    updatedAt: '',
    seq: 0,
    ...over,
  };
}

describe('steps', () => {
  it('never show an empty command box', () => {
    expect(cliLines({ cli: ['docker node ls'] })).toEqual(['docker node ls']);
    expect(cliLines({ cli: [], noCli: 'Initialize the swarm first' })).toEqual(['# Initialize the swarm first']);
    expect(cliLines({ cli: [] })[0]).toMatch(/^# Nothing to type/);
    expect(firstOpen([{ status: { done: true } }, { status: { done: false } }, { status: { done: false } }])).toBe(1);
    expect(firstOpen([{ status: { done: true } }])).toBe(1);
  });

  it('the join step, on a swarm built elsewhere, says why there is nothing to join', () => {
    expect(joinPreview(model(), '10.9.0.1')).toEqual({ cli: ['docker node ls   # on h1: 3 node(s), every connected host among them'], noCli: undefined });
    const outside = joinPreview(model({ hosts: [host(1), host(2), host(3, false)] }), '10.9.0.1');
    expect(outside.cli).toEqual(['docker swarm join --token <worker token> 10.9.0.1:2377   # on h3']);
    const none = joinPreview(model({ swarm: null }), null);
    expect(none.cli).toEqual([]);
    expect(none.noCli).toMatch(/Initialize the swarm first/);
  });

  it('the hands-on lab wants web at 3 running replicas', () => {
    const web = { id: 'w', name: 'web', image: 'lab/web', mode: 'replicated' as const, replicas: 3, endpointMode: 'vip' as const, networkIds: ['appnet-id'], ports: [], vips: [], swarmId: 'c1' };
    const m = model({ services: [web], tasks: [task('a', 'w', 1, '10.0.1.5'), task('b', 'w', 2, '10.0.1.6'), task('c', 'w', 3, '10.0.1.7', 'starting')] });
    expect(HANDSON_CHECKS.scale({ model: m, inspected: false })).toMatchObject({ done: false, waiting: 'web: 2 of 3 replicas running on 2 node(s); the step wants 3' });
    m.tasks[2].state = 'running';
    expect(HANDSON_CHECKS.scale({ model: m, inspected: false })).toEqual({ done: true });
  });
});

describe('the lessons’ stage', () => {
  it('needs a frontend task and a backend task on two different hosts', () => {
    expect(stageStatus(model())).toEqual({ done: true });
    expect(crossPair(model())).toMatchObject({ a: { node: 'h1', ip: '10.0.1.3' }, b: { node: 'h2', ip: '10.0.1.4' } });
    const together = model({ tasks: [task('t1', 'fe', 1, '10.0.1.3'), task('t2', 'be', 1, '10.0.1.4')] });
    expect(stageStatus(together)).toMatchObject({ done: false, waiting: expect.stringMatching(/one host only/) });
    expect(stageStatus(model({ networks: [] }))).toMatchObject({ done: false, waiting: 'no overlay appnet yet' });
    expect(stageStatus(model({ swarm: null }))).toMatchObject({ done: false });
  });

  it('knows when a rolling update is over', () => {
    const m = model();
    expect(settled(m, 'frontend')).toBe(true);
    m.tasks.push({ ...task('t3', 'fe', 2, '10.0.1.8', 'starting') });
    expect(settled(m, 'frontend')).toBe(false);
  });
});

describe('the tunnel experiment', () => {
  const s = (seq: number, rx: number, tx: number): TunnelSample => ({ watchId: 'w', networkId: 'n', hostId: 'h1', hostName: 'h1', seq, uptime: seq, devices: [{ name: 'vxlan0', rxBytes: rx * 100, rxPackets: rx, txBytes: tx * 100, txPackets: tx }] });

  it('compares the last sample before the check with the first read after it ended', () => {
    const samples = [s(1, 5, 5), s(2, 5, 5), s(3, 9, 9), s(4, 12, 12), s(5, 12, 12)];
    expect(riseDuring(samples, { beforeSeq: 2 })).toBeUndefined();
    expect(riseDuring(samples, { beforeSeq: 2, endSeq: 3 })).toMatchObject({ before: { rxPackets: 5 }, after: { rxPackets: 12 }, delta: { rxPackets: 7, txPackets: 7, rxBytes: 700 }, rose: true });
    expect(riseDuring(samples.slice(0, 3), { beforeSeq: 2, endSeq: 3 })).toBeUndefined();
  });

  it('calls it idle only for two equal samples outside the check', () => {
    const busy = [s(1, 1, 1), s(2, 2, 2), s(3, 3, 3)];
    expect(idleSeen(busy, undefined)).toBe(false);
    // Equal across the check's window does not count: the check may have sent nothing yet.
    expect(idleSeen([s(1, 1, 1), s(2, 2, 2), s(3, 2, 2), s(4, 5, 5)], { beforeSeq: 2, endSeq: 3 })).toBe(false);
    expect(idleSeen([s(1, 1, 1), s(2, 2, 2), s(3, 5, 5), s(4, 5, 5)], { beforeSeq: 1, endSeq: 2 })).toBe(true);
    // A gap in the sequence (a lost sample) is not a second of idleness.
    expect(idleSeen([s(1, 2, 2), s(3, 2, 2)], undefined)).toBe(false);
  });
});

describe('the discovery answers', () => {
  const a = (tasks: string[], vip = ['10.0.1.2']): Answers => ({ at: '', source: 'frontend.1 on h1', replicas: tasks.length, dns: [{ name: 'backend', addresses: vip }, { name: 'tasks.backend', addresses: tasks }] });

  it('sees the task list move while the VIP stays', () => {
    const up = compare(a(['10.0.1.4', '10.0.1.5']), a(['10.0.1.5', '10.0.1.4', '10.0.1.9']), 'backend', 'vip');
    expect(up).toMatchObject({ taskListMoved: true, added: ['10.0.1.9'], gone: [], vipStayed: true });
    expect(up.words).toMatch(/^backend → 10\.0\.1\.2 \(unchanged/);
    const dnsrr = compare(a(['10.0.1.4', '10.0.1.5'], ['10.0.1.4', '10.0.1.5']), a(['10.0.1.4'], ['10.0.1.4']), 'backend', 'dnsrr');
    expect(dnsrr).toMatchObject({ gone: ['10.0.1.5'], vipStayed: false });
    expect(dnsrr.words).toMatch(/dnsrr: no virtual IP/);
  });
});

describe('the encryption outcome', () => {
  const n = (host: string, ipsec: TunnelNode['ipsec']): TunnelNode => ({ hostId: host, host, present: true, source: 'kernel', devices: [], peers: [], ipsec });
  const reading = (nodes: TunnelNode[]): TunnelReading => ({ network: { id: 's', name: 'secure-net', encrypted: true }, nodes, commands: [], readAt: '' });

  it('says ESP carried it when associations exist and their packet counts rose', () => {
    const before = reading([n('h1', { states: 2, policies: 2, espPackets: 10, outNoStates: 0 }), n('h2', { states: 2, policies: 2, espPackets: 4, outNoStates: 0 })]);
    const after = reading([n('h1', { states: 2, policies: 2, espPackets: 30, outNoStates: 0 }), n('h2', { states: 2, policies: 2, espPackets: 25, outNoStates: 0 })]);
    const o = ipsecOutcome(before, after, { code: 'reachable' });
    expect(o.kind).toBe('esp');
    expect(o.words).toMatch(/h1 has 2 IPsec security association\(s\) and its ESP packet count rose by 20/);
  });

  it('says what fails and why when the kernel refused the associations (this lab)', () => {
    const before = reading([n('h1', { states: 0, policies: 2, espPackets: 0, outNoStates: 2 }), n('h2', { states: 0, policies: 2, espPackets: 0, outNoStates: 0 })]);
    const after = reading([n('h1', { states: 0, policies: 2, espPackets: 0, outNoStates: 8 }), n('h2', { states: 0, policies: 2, espPackets: 0, outNoStates: 6 })]);
    const o = ipsecOutcome(before, after, { code: 'encrypted-overlay' });
    expect(o.kind).toBe('no-sa');
    expect(o.words).toMatch(/XfrmOutNoStates rose on h1 by 6, h2 by 6/);
    // The same readings with a check that did not fail do not settle it.
    expect(ipsecOutcome(before, after, { code: 'reachable' }).kind).toBe('unknown');
    expect(ipsecOutcome(before, reading([after.nodes[0]]), { code: 'encrypted-overlay' }).kind).toBe('unknown');
  });
});
