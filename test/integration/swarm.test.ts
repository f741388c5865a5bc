// Swarm by API, checked with the docker CLI on the hosts: init, parallel join, promote, drain,
// label, demote, leave, remove, rejoin; idempotent join; a blocked manager port named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostView } from '../../electron/shared/model';
import { blockTcpPort } from '../lab/faults';
import type { LabHostEnv } from '../lab/lab';
import { leaveSwarmEverywhere, sshRun } from '../support/lab';
import { engineOnLab, type TestEngine } from '../support/engine';

let t: TestEngine;
let lab: LabHostEnv[];
let views: HostView[];
const id = (name: string) => views.find((v) => v.name === name)!.id;
const cli = (i: number, args: string[]) => sshRun(lab[i], args);
const nodeIdOf = async (i: number) => cli(i, ['docker', 'info', '--format', '{{.Swarm.NodeID}}']);

const leaveAll = () => leaveSwarmEverywhere(lab);

beforeAll(async () => {
  ({ t, lab, views } = await engineOnLab());
});
afterAll(async () => {
  await t?.stop();
  await leaveAll();
});

describe('swarm by API', () => {
  it('offers the address it reaches the host at as the advertise address', async () => {
    const addrs = await t.call('hosts:addresses', { id: id('h1') });
    expect(addrs[0]).toMatchObject({ address: lab[0].address, recommended: true, iface: 'eth0', family: 'IPv4' });
    expect(addrs.map((a) => a.iface)).not.toContain('docker0');
  });

  it('creates a swarm on h1 and shows the exact CLI equivalent', async () => {
    const res = await t.call('swarm:init', { id: id('h1'), advertiseAddr: lab[0].address });
    expect(res.commands).toMatchObject([{ host: 'h1', text: `docker -H ssh://root@${lab[0].address} swarm init --advertise-addr ${lab[0].address}` }]);
    expect(await cli(0, ['docker', 'info', '--format', "'{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.NodeAddr}}'"])).toBe(`active true ${lab[0].address}`);
  });

  it('joins h2 and h3 in parallel, never revealing the token', async () => {
    const { results } = await t.call('swarm:join', { managerId: id('h1'), joins: [{ id: id('h2'), role: 'worker' }, { id: id('h3'), role: 'worker' }] });
    expect(results.map((r) => `${r.name}:${r.outcome}`)).toEqual(['h2:joined', 'h3:joined']);
    expect(results[0].preflight.filter((c) => c.protocol === 'tcp').map((c) => `${c.port}:${c.result}`)).toEqual(['2377:open', '7946:open']);
    expect(results[0].preflight.filter((c) => c.protocol === 'udp').every((c) => c.result === 'untested')).toBe(true);
    expect(results[0].commands[0].text).toBe(`docker -H ssh://root@${lab[1].address} swarm join --token "$(docker -H ssh://root@${lab[0].address} swarm join-token -q worker)" --advertise-addr ${lab[1].address} ${lab[0].address}:2377`);
    const token = await cli(0, ['docker', 'swarm', 'join-token', '-q', 'worker']);
    expect(JSON.stringify(results)).not.toContain(token);
    expect(JSON.stringify(t.events)).not.toContain(token);
    const nodes = (await cli(0, ['docker', 'node', 'ls', '--format', "'{{.Hostname}} {{.Status}}'"])).split('\n').sort();
    expect(nodes).toEqual(['h1 Ready', 'h2 Ready', 'h3 Ready']);
  });

  it('shows the three nodes in the cluster model, mapped to their hosts', async () => {
    const model = await t.call('cluster:snapshot', {});
    expect(model.swarm?.managerHostIds).toEqual([id('h1')]);
    expect(model.nodes.map((n) => `${n.hostname}:${n.role}:${n.hostId === id(n.hostname)}`).sort()).toEqual(['h1:manager:true', 'h2:worker:true', 'h3:worker:true']);
  });

  it('reports a second join of a joined host as a no-op', async () => {
    const { results } = await t.call('swarm:join', { managerId: id('h1'), joins: [{ id: id('h2'), role: 'worker' }] });
    expect(results[0]).toMatchObject({ outcome: 'already-member', message: 'h2 is already in this swarm as a worker: nothing to do' });
  });

  it('promotes h2 to manager', async () => {
    const res = await t.call('nodes:update', { nodeId: await nodeIdOf(1), role: 'manager' });
    expect(res.commands[0].text).toMatch(/ node update --role manager [a-z0-9]{25}$/);
    await expect.poll(() => cli(0, ['docker', 'node', 'inspect', 'h2', '--format', "'{{.Spec.Role}} {{.ManagerStatus.Reachability}}'"]), { timeout: 15_000 }).toBe('manager reachable');
  });

  it('drains h3, and its tasks move away', async () => {
    const t0 = Date.now();
    await cli(0, ['docker', 'service', 'create', '-q', '--detach', '--name', 'spread', '--replicas', '6', '--placement-pref', 'spread=node.id', '--stop-grace-period', '1s', '--no-resolve-image', 'lab/web']);
    console.log(`service created in ${Date.now() - t0} ms`);
    await expect.poll(async () => (await cli(0, ['docker', 'service', 'ps', 'spread', '--filter', 'node=h3', '--filter', 'desired-state=running', '-q'])).split('\n').filter(Boolean).length, { timeout: 30_000 }).toBeGreaterThan(0);
    console.log(`tasks on h3 after ${Date.now() - t0} ms`);
    await t.call('nodes:update', { nodeId: await nodeIdOf(2), availability: 'drain' });
    await expect.poll(async () => (await cli(0, ['docker', 'service', 'ps', 'spread', '--filter', 'node=h3', '--filter', 'desired-state=running', '-q'])).trim(), { timeout: 30_000 }).toBe('');
    const h3Node = await nodeIdOf(2);
    const model = await t.call('cluster:snapshot', {});
    const spread = model.services.find((s) => s.name === 'spread')!;
    expect(model.tasks.filter((k) => k.serviceId === spread.id && k.desiredState === 'running' && k.nodeId === h3Node)).toEqual([]);
    console.log(`drained after ${Date.now() - t0} ms`);
    expect(await cli(0, ['docker', 'node', 'inspect', 'h3', '--format', '{{.Spec.Availability}}'])).toBe('drain');
    await cli(0, ['docker', 'service', 'rm', 'spread']);
  });

  it('sets a label on h3, then demotes h2', async () => {
    await t.call('nodes:update', { nodeId: await nodeIdOf(2), addLabels: { zone: 'island-3' } });
    expect(await cli(0, ['docker', 'node', 'inspect', 'h3', '--format', "'{{index .Spec.Labels \"zone\"}}'"])).toBe('island-3');
    await t.call('nodes:update', { nodeId: await nodeIdOf(1), role: 'worker' });
    await expect.poll(() => cli(0, ['docker', 'node', 'inspect', 'h2', '--format', '{{.Spec.Role}}']), { timeout: 15_000 }).toBe('worker');
  });

  it('lets h3 leave, removes its node, and rejoins it', async () => {
    const old = await nodeIdOf(2);
    await t.call('swarm:leave', { id: id('h3') });
    expect(await cli(2, ['docker', 'info', '--format', '{{.Swarm.LocalNodeState}}'])).toBe('inactive');
    await expect.poll(async () => (await t.call('cluster:snapshot', {})).nodes.find((n) => n.id === old)?.state, { timeout: 30_000 }).toBe('down');
    await t.call('nodes:remove', { nodeId: old });
    expect(await cli(0, ['docker', 'node', 'ls', '-q'])).not.toContain(old);
    const { results } = await t.call('swarm:join', { managerId: id('h1'), joins: [{ id: id('h3'), role: 'worker' }] });
    expect(results[0].outcome).toBe('joined');
    expect((await cli(0, ['docker', 'node', 'ls', '--format', "'{{.Hostname}} {{.Status}}'"])).split('\n').sort()).toEqual(['h1 Ready', 'h2 Ready', 'h3 Ready']);
  });

  it('refuses to let the last manager leave without confirmation', async () => {
    const err = await t.fail('swarm:leave', { id: id('h1') });
    expect(err).toMatchObject({ code: 'conflict', message: expect.stringContaining('last manager') });
  });

  it('names port 2377 when the manager cannot be reached', async () => {
    await t.call('swarm:leave', { id: id('h3') });
    const unblock = await blockTcpPort('h1', 2377);
    try {
      const { results } = await t.call('swarm:join', { managerId: id('h1'), joins: [{ id: id('h3'), role: 'worker' }] });
      expect(results[0].outcome).toBe('failed');
      expect(results[0].message).toContain(`${lab[0].address}:2377/tcp`);
      expect(results[0].hint).toContain('2377');
      expect(await cli(2, ['docker', 'info', '--format', '{{.Swarm.LocalNodeState}}'])).toBe('inactive');
    } finally {
      await unblock();
    }
  });
});
