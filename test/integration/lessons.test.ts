// The Learn lessons' experiments on the 3-host lab, each compared with what the node itself says
// (iproute2 over plain ssh, the docker CLI): the tunnel's VNI, port, outer addresses and counters;
// counters that rise while a check runs; probes from a task and from standalone containers on a
// bridge and on an attachable overlay; and a cleanup that leaves nothing, helpers included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TunnelSample } from '../../electron/shared/lessons';
import type { HostView } from '../../electron/shared/model';
import type { LabHostEnv } from '../lab/lab';
import { leaveSwarmEverywhere, sshRun } from '../support/lab';
import { engineOnLab, type TestEngine } from '../support/engine';

let t: TestEngine;
let lab: LabHostEnv[];
let views: HostView[];
const id = (name: string) => views.find((v) => v.name === name)!.id;
const cli = (i: number, args: string[]) => sshRun(lab[i], args);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runningOn(service: string, hosts: number) {
  const nodes = async () => new Set((await cli(0, ['docker', 'service', 'ps', service, '--filter', 'desired-state=running', '--format', "'{{.Node}} {{.CurrentState}}'"])).split('\n').filter((l) => l.includes('Running')).map((l) => l.split(' ')[0])).size;
  for (const deadline = Date.now() + 60_000; (await nodes()) < hosts; await pause(300)) if (Date.now() > deadline) throw new Error(`${service} is not running on ${hosts} hosts`);
}

/** The VXLAN device's counters in the overlay's namespace, as iproute2 on the node prints them. */
async function ipLinkCounters(i: number, networkId: string) {
  const json = await cli(i, ['nsenter', `--net=/var/run/docker/netns/1-${networkId.slice(0, 10)}`, 'ip', '-s', '-j', 'link', 'show', 'type', 'vxlan']);
  const [dev] = JSON.parse(json) as { ifname: string; stats64: { rx: { bytes: number; packets: number }; tx: { bytes: number; packets: number } } }[];
  return { name: dev.ifname, rxBytes: dev.stats64.rx.bytes, rxPackets: dev.stats64.rx.packets, txBytes: dev.stats64.tx.bytes, txPackets: dev.stats64.tx.packets };
}

const helpersLeft = async () => (await Promise.all(lab.map((_, i) => cli(i, ['docker', 'ps', '-aq', '--filter', 'label=archipelago.role=lesson-helper'])))).join('');

beforeAll(async () => {
  ({ t, lab, views } = await engineOnLab({ swarm: true }));
  await t.call('networks:create', { name: 'appnet', attachable: true });
  await t.call('services:create', { name: 'frontend', image: 'lab/web', replicas: 3, networks: ['appnet'] });
  await t.call('services:create', { name: 'backend', image: 'lab/web', replicas: 3, networks: ['appnet'], endpointMode: 'dnsrr' });
  await runningOn('frontend', 3);
  await runningOn('backend', 3);
}, 180_000);

afterAll(async () => {
  await t?.stop();
  if (lab) await leaveSwarmEverywhere(lab);
});

describe('the tunnel, read on every node', () => {
  it('gives the VNI, UDP port, outer addresses and counters the node itself shows', async () => {
    const netId = await cli(0, ['docker', 'network', 'inspect', 'appnet', '--format', '{{.Id}}']);
    const dockerVni = Number(await cli(0, ['docker', 'network', 'inspect', 'appnet', '--format', "'{{index .Options \"com.docker.network.driver.overlay.vxlanid_list\"}}'"]));
    const before = await Promise.all(lab.map((_, i) => ipLinkCounters(i, netId)));
    const reading = await t.call('lessons:tunnel', { network: 'appnet' });
    const after = await Promise.all(lab.map((_, i) => ipLinkCounters(i, netId)));
    expect(reading.network.dockerVni).toBe(dockerVni);
    expect(reading.nodes.map((n) => n.host).sort()).toEqual(['h1', 'h2', 'h3']);
    for (const [i, h] of lab.entries()) {
      const n = reading.nodes.find((x) => x.host === h.name)!;
      expect(n.error, n.error).toBeUndefined();
      expect(n).toMatchObject({ present: true, source: 'kernel', vni: dockerVni, udpPort: 4789 });
      // Outer destinations: the other two nodes; outer source: this node's own address.
      expect(n.peers.map((p) => p.dst).sort()).toEqual(lab.filter((o) => o !== h).map((o) => o.address).sort());
      for (const p of n.peers) expect(p.src).toBe(h.address);
      const [dev] = n.devices;
      expect(dev.name).toBe(before[i].name);
      for (const k of ['rxBytes', 'rxPackets', 'txBytes', 'txPackets'] as const) {
        expect(dev[k]).toBeGreaterThanOrEqual(before[i][k]);
        expect(dev[k]).toBeLessThanOrEqual(after[i][k]);
      }
    }
    expect(reading.commands.some((c) => c.text.includes('--pid host') && c.text.includes('--network host'))).toBe(true);
    expect(await helpersLeft()).toBe('');
  });

  it('streams counters that rise on both hosts while a check runs, then removes its helpers', async () => {
    const { watchId, hosts } = await t.call('lessons:tunnelWatch', { network: 'appnet', seconds: 60 });
    expect(hosts.map((h) => h.host).sort()).toEqual(['h1', 'h2', 'h3']);
    const samples = () => t.events.filter((e) => e.name === 'lessons:tunnelSample' && (e.payload as TunnelSample).watchId === watchId).map((e) => e.payload as TunnelSample);
    const latest = (host: string) => samples().filter((s) => s.hostName === host).at(-1);
    const seen = (host: string, after: number) => samples().some((s) => s.hostName === host && s.seq > after);
    for (const deadline = Date.now() + 30_000; !lab.every((h) => seen(h.name, 0)); await pause(200)) if (Date.now() > deadline) throw new Error(`no sample from every host: ${JSON.stringify(samples().slice(-3))}`);
    const base = new Map(lab.map((h) => [h.name, latest(h.name)!]));
    const r = await t.call('checks:run', { from: 'frontend', to: 'backend', port: 80 });
    expect(r.pairs.some((p) => !p.sameHost && p.reachable)).toBe(true);
    // The next sample on each host was read after the check ended.
    for (const deadline = Date.now() + 30_000; !lab.every((h) => seen(h.name, base.get(h.name)!.seq + 1)); await pause(200)) if (Date.now() > deadline) throw new Error('no sample after the check');
    for (const h of lab) {
      const [a, b] = [base.get(h.name)!.devices[0], latest(h.name)!.devices[0]];
      expect(b.txPackets - a.txPackets, `${h.name} tx`).toBeGreaterThan(0);
      expect(b.rxPackets - a.rxPackets, `${h.name} rx`).toBeGreaterThan(0);
    }
    expect(await cli(0, ['docker', 'ps', '-q', '--filter', 'label=archipelago.role=lesson-helper'])).not.toBe('');
    expect(await t.call('lessons:tunnelWatchStop', { watchId })).toEqual({ stopped: true });
    expect(await helpersLeft()).toBe('');
  });

  it('refuses a probe with two sources, or none, before anything runs', async () => {
    const both = await t.fail('lessons:probe', { from: 'frontend', hostId: id('h1'), container: 'x', names: ['backend'] });
    expect(both).toMatchObject({ code: 'invalid-input', field: 'from' });
    const nothing = await t.fail('lessons:probe', { from: 'frontend' });
    expect(nothing).toMatchObject({ code: 'invalid-input', field: 'names' });
  });
});

describe('a probe from one task', () => {
  it('resolves names there and reaches the addresses, as the docker CLI sees them', async () => {
    const taskIps = (await cli(0, ['docker', 'network', 'inspect', '--verbose', 'appnet', '--format', "'{{range $k, $v := .Services}}{{if eq $k \"backend\"}}{{range $v.Tasks}}{{.EndpointIP}} {{end}}{{end}}{{end}}'"])).split(' ').filter(Boolean).sort();
    expect(taskIps).toHaveLength(3);
    const r = await t.call('lessons:probe', { from: 'frontend', names: ['backend', 'tasks.backend'], ips: taskIps, port: 80 });
    expect(r.source.kind).toBe('task');
    expect(r.dns.find((d) => d.name === 'tasks.backend')!.addresses.sort()).toEqual(taskIps);
    expect(r.dns.find((d) => d.name === 'backend')!.addresses.sort()).toEqual(taskIps); // dnsrr
    expect(r.results.every((x) => x.reachable)).toBe(true);
  });
});

describe('overlay vs bridge, with standalone containers', () => {
  it('a bridge is local to its host; an attachable overlay reaches across', async () => {
    await t.call('lessons:localNetworkCreate', { hostId: id('h1'), name: 'learn-bridge', lesson: 'bridge' });
    const a = (await t.call('lessons:containerRun', { hostId: id('h1'), name: 'learn-bridge-a', network: 'learn-bridge', lesson: 'bridge' })).container;
    await t.call('lessons:containerRun', { hostId: id('h2'), name: 'learn-bridge-b', network: 'bridge', lesson: 'bridge' });
    const aIp = a.networks.find((n) => n.name === 'learn-bridge')!.ip;
    expect(aIp).toBe(await cli(0, ['docker', 'inspect', 'learn-bridge-a', '--format', "'{{(index .NetworkSettings.Networks \"learn-bridge\").IPAddress}}'"]));
    const fromB = await t.call('lessons:probe', { hostId: id('h2'), container: 'learn-bridge-b', ips: [aIp] });
    expect(fromB.results[0].reachable).toBe(false);
    const onA = await t.call('lessons:networkInspect', { hostId: id('h1'), network: 'learn-bridge' });
    expect(onA).toMatchObject({ found: true, driver: 'bridge', scope: 'local', masquerade: true });
    expect(onA.scope).toBe(await cli(0, ['docker', 'network', 'inspect', 'learn-bridge', '--format', '{{.Scope}}']));
    expect((await t.call('lessons:networkInspect', { hostId: id('h2'), network: 'learn-bridge' })).found).toBe(false);

    await t.call('networks:create', { name: 'learn-overlay', attachable: true });
    const oa = (await t.call('lessons:containerRun', { hostId: id('h1'), name: 'learn-overlay-a', network: 'learn-overlay', lesson: 'bridge' })).container;
    await t.call('lessons:containerRun', { hostId: id('h2'), name: 'learn-overlay-b', network: 'learn-overlay', lesson: 'bridge' });
    const oaIp = oa.networks.find((n) => n.name === 'learn-overlay')!.ip;
    const across = await t.call('lessons:probe', { hostId: id('h2'), container: 'learn-overlay-b', names: ['learn-overlay-a'], ips: [oaIp] });
    expect(across.results[0].reachable).toBe(true);
    expect(across.dns[0].addresses).toEqual([oaIp]);
    const overlay = await t.call('lessons:networkInspect', { hostId: id('h2'), network: 'learn-overlay' });
    expect(overlay).toMatchObject({ found: true, driver: 'overlay', scope: 'swarm' });
    expect(overlay.scope).toBe(await cli(1, ['docker', 'network', 'inspect', 'learn-overlay', '--format', '{{.Scope}}']));
  });

  it('Start over removes its containers, bridge, overlay and every helper, on every host', async () => {
    const r = await t.call('lessons:cleanup', { track: 'bridge' });
    expect(r.left).toEqual([]);
    for (const i of lab.keys()) {
      expect(await cli(i, ['docker', 'ps', '-aq', '--filter', 'label=archipelago.lesson=bridge'])).toBe('');
      expect(await cli(i, ['docker', 'network', 'ls', '--format', '{{.Name}}'])).not.toMatch(/learn-bridge|learn-overlay/);
    }
    expect(await helpersLeft()).toBe('');
    // frontend and backend (not the lesson's) are still there.
    expect((await cli(0, ['docker', 'service', 'ls', '--format', '{{.Name}}'])).split('\n').sort()).toEqual(['backend', 'frontend']);
  });
});
