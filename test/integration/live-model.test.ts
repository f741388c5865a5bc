// The live model on the lab: the engine's deltas, applied in order, give the model a fresh read
// gives; a client that misses one asks for the whole model; an event missed while a stream was
// cut is healed when the stream reopens; and two swarms in one inventory are both in the model,
// with the node a host left behind in one of them marked stale.
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterState, comparableModel, type ClusterDelta } from '../../electron/shared/cluster-delta';
import type { ClusterModel, HostView } from '../../electron/shared/model';
import { ClusterFeed } from '../../renderer/src/stores/cluster-feed';
import { dockerSocket, labHost } from '../lab/config';
import type { LabHostEnv } from '../lab/lab';
import { startSshd, stopSshd } from '../lab/sshd';
import { engineOnLab, type TestEngine } from '../support/engine';
import { leaveSwarmEverywhere } from '../support/lab';

let t: TestEngine;
let lab: LabHostEnv[];
let views: HostView[];
const id = (name: string) => views.find((v) => v.name === name)!.id;
/** Each lab host's engine through its local socket, as a second client beside the app. */
const local = (i: number) => new Docker({ socketPath: dockerSocket(labHost(i + 1)) });

/** The model as the engine's deltas build it, from the first one on, in order. */
const follower = new ClusterState();
let followed = 0;
const outcomes: string[] = [];
function follow(): ClusterState {
  for (; followed < t.events.length; followed++) {
    const e = t.events[followed];
    if (e.name !== 'cluster:changed') continue;
    const outcome = follower.apply(e.payload as ClusterDelta);
    if (outcome !== 'applied') outcomes.push(`${outcome} at seq ${(e.payload as ClusterDelta).seq}`);
  }
  return follower;
}
const empty = (seq: number): ClusterModel => ({ swarm: null, swarms: [], hosts: [], nodes: [], networks: [], services: [], tasks: [], containers: [], updatedAt: '', seq });

/** Waits until the delta-built model satisfies a named condition; fails with what was last seen. */
async function until(what: string, check: (m: ClusterModel) => boolean, timeoutMs = 60_000, seen: (m: ClusterModel) => unknown = () => ''): Promise<ClusterModel> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = follow().toModel();
    if (check(m)) return m;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s; last seen: ${JSON.stringify(seen(m))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** No delta for quietMs: the engine has read everything the last events named. */
async function quiet(quietMs: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = t.events.length;
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`the model kept changing for ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
    if (t.events.length !== last) {
      last = t.events.length;
      since = Date.now();
    }
  }
}

const mine = (m: ClusterModel, prefix: string) => m.containers.filter((c) => c.name.startsWith(prefix));

beforeAll(async () => {
  follower.load(empty(0));
  ({ t, lab, views } = await engineOnLab({ swarm: true }));
  await t.call('networks:create', { name: 'livenet', subnet: '10.96.0.0/24' });
  await t.call('services:create', { name: 'live', image: 'lab/web', replicas: 0, networks: ['livenet'], endpointMode: 'dnsrr' });
}, 180_000);

afterAll(async () => {
  await t?.stop();
  for (let i = 0; i < 3; i++) {
    const d = local(i);
    for (const c of await d.listContainers({ all: true, filters: { name: ['live-'] } }).catch(() => [])) await d.getContainer(c.Id).remove({ force: true }).catch(() => {});
  }
  await leaveSwarmEverywhere(lab);
});

describe('the live model', () => {
  it('deltas applied in order give the same model as a fresh snapshot, after a burst of 200 changes', async () => {
    // 120 containers created across the hosts, 40 of them started, 40 removed: 200 changes,
    // made through each host's own socket (the app only hears of them as events); and the
    // service scaled to 6 meanwhile.
    const made = await Promise.all(Array.from({ length: 120 }, (_, n) => local(n % 3).createContainer({ Image: 'lab/bare', name: `live-${n}` }).then((c) => ({ n, c }))));
    await t.call('services:scale', { service: 'live', replicas: 6 });
    await Promise.all(made.filter(({ n }) => n % 3 === 0).map(({ c }) => c.start()));
    await Promise.all(made.filter(({ n }) => n % 3 === 1).map(({ c }) => c.remove({ force: true })));
    const shown = await until(
      'the burst in the model',
      (m) => mine(m, 'live-').length === 80 && mine(m, 'live-').filter((c) => c.state === 'running').length === 40 && m.tasks.filter((k) => k.serviceId === m.services.find((s) => s.name === 'live')?.id && k.state === 'running').length === 6,
      90_000,
      (m) => ({ containers: mine(m, 'live-').length, running: mine(m, 'live-').filter((c) => c.state === 'running').length, tasks: m.tasks.filter((k) => k.state === 'running').length }),
    );
    expect(shown.containers.length).toBeGreaterThan(80);
    await quiet(2_000);
    const before = follow().toModel();
    const fresh = await t.call('cluster:snapshot', {});
    // A fresh read found nothing the deltas had not already said.
    expect(comparableModel(before)).toEqual(comparableModel(fresh));
    expect(fresh.seq).toBe(before.seq);
    expect(outcomes).toEqual([]);
  });

  it('task containers killed are shown stopped at once, though dockerd announces a death before its list says so', async () => {
    const m = follow().toModel();
    const live = m.services.find((s) => s.name === 'live')!;
    const running = m.tasks.filter((k) => k.serviceId === live.id && k.state === 'running' && k.containerId);
    const hostIndex = (nodeId?: string) => lab.findIndex((h) => h.name === m.nodes.find((n) => n.id === nodeId)?.hostname);
    expect(running.length).toBe(6);
    await Promise.all(running.map((k) => local(hostIndex(k.nodeId)).getContainer(k.containerId!).kill()));
    // Well within the 20–40 s periodic re-read: only the event's own reads can have shown it.
    const shown = await until(
      'the six killed containers stopped in the model',
      (x) => running.every((k) => x.containers.some((c) => c.id === k.containerId && c.state !== 'running')),
      5_000,
      (x) => x.containers.filter((c) => running.some((k) => k.containerId === c.id)).map((c) => c.state),
    );
    expect(shown.containers.filter((c) => running.some((k) => k.containerId === c.id) && c.state === 'exited').length).toBe(6);
  });

  it('a gap in seq makes the client fetch the whole model, and it ends equal to the engine’s', async () => {
    let dropped = 0;
    const feed = new ClusterFeed({ fetchModel: () => t.call('cluster:model', {}), later: (fn) => fn(), changed: () => {} });
    await feed.reload();
    let fed = t.events.length;
    const pump = setInterval(() => {
      for (; fed < t.events.length; fed++) {
        const e = t.events[fed];
        if (e.name !== 'cluster:changed') continue;
        // The first delta after the start is lost on the way, as over a dropped connection.
        if (dropped === 0) {
          dropped = (e.payload as ClusterDelta).seq;
          continue;
        }
        feed.receive(e.payload as ClusterDelta);
      }
    }, 10);
    try {
      await Promise.all(Array.from({ length: 6 }, (_, n) => local(n % 3).createContainer({ Image: 'lab/bare', name: `live-gap-${n}` })));
      const deadline = Date.now() + 30_000;
      while (mine(feed.state.toModel(), 'live-gap-').length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await quiet(1_000);
    } finally {
      clearInterval(pump);
    }
    expect(dropped).toBeGreaterThan(0);
    expect(feed.fullLoads).toBe(2);
    expect(mine(feed.state.toModel(), 'live-gap-').length).toBe(6);
    expect(comparableModel(feed.state.toModel())).toEqual(comparableModel(await t.call('cluster:model', {})));
  });

  it('a change missed while a host’s stream was cut is healed by the read when it reopens', async () => {
    await until('live-5 on h3 in the model', (m) => mine(m, 'live-5').some((c) => c.hostId === id('h3')));
    await stopSshd('h3');
    try {
      await until('h3 not connected', (m) => m.hosts.find((h) => h.hostId === id('h3'))?.status !== 'connected', 20_000);
      // Made on h3 while nothing listens to it: its events are gone for good.
      await local(2).createContainer({ Image: 'lab/bare', name: 'live-missed' });
      await local(2).getContainer('live-5').remove({ force: true });
    } finally {
      await startSshd('h3');
    }
    const healed = await until('h3 read again after its stream reopened', (m) => m.hosts.find((h) => h.hostId === id('h3'))?.status === 'connected' && mine(m, 'live-missed').length === 1, 30_000, (m) => mine(m, 'live-missed'));
    expect(mine(healed, 'live-missed')[0].hostId).toBe(id('h3'));
    expect(mine(healed, 'live-5').some((c) => c.name === 'live-5')).toBe(false);
  });

  it('two swarms in one inventory are both in the model, with their own services; the node h3 left behind is stale', async () => {
    const first = (await t.call('cluster:model', {})).swarm!;
    // h3 leaves the swarm and makes its own, as a new user trying things would.
    await t.call('swarm:leave', { id: id('h3') });
    await t.call('swarm:init', { id: id('h3'), advertiseAddr: lab[2].address });
    const m0 = await until('a second swarm', (m) => m.swarms.length === 2, 30_000, (m) => m.swarms);
    const second = m0.swarms.find((s) => s.id !== first.id)!;
    await t.call('services:create', { name: 'alpha', image: 'lab/web', replicas: 1, swarm: first.id });
    await t.call('services:create', { name: 'beta', image: 'lab/web', replicas: 1, swarm: second.id });
    const m = await until(
      'both services, and h3’s old node down',
      (x) => x.services.some((s) => s.name === 'alpha') && x.services.some((s) => s.name === 'beta') && x.nodes.some((n) => n.swarmId === first.id && n.hostname === 'h3' && n.state === 'down'),
      60_000,
      (x) => x.nodes.map((n) => [n.hostname, n.swarmId.slice(0, 6), n.state, n.stale]),
    );
    expect(m.swarms.map((s) => s.id).sort()).toEqual([first.id, second.id].sort());
    expect(m.swarms.find((s) => s.id === second.id)!.managerHostIds).toEqual([id('h3')]);
    expect(m.services.find((s) => s.name === 'alpha')!.swarmId).toBe(first.id);
    expect(m.services.find((s) => s.name === 'beta')!.swarmId).toBe(second.id);
    expect(m.hosts.find((h) => h.hostId === id('h3'))!.swarmId).toBe(second.id);
    // The first swarm's overlay stays its own, though h3 may still list its local copy a moment.
    expect(m.networks.filter((n) => n.name === 'livenet').map((n) => n.swarmId)).toEqual([first.id]);
    // h3 is one live node in the second swarm, and one stale leftover in the first.
    const h3nodes = m.nodes.filter((n) => n.hostname === 'h3');
    expect(h3nodes.map((n) => ({ swarm: n.swarmId, host: n.hostId, stale: Boolean(n.stale), former: n.formerHostId })).sort((a, b) => a.swarm.localeCompare(b.swarm))).toEqual(
      [
        { swarm: first.id, host: undefined, stale: true, former: id('h3') },
        { swarm: second.id, host: id('h3'), stale: false, former: undefined },
      ].sort((a, b) => a.swarm.localeCompare(b.swarm)),
    );
    // Remove node goes to the first swarm's manager, and the leftover is gone.
    const stale = h3nodes.find((n) => n.stale)!;
    await t.call('nodes:remove', { nodeId: stale.id });
    const after = await until('the stale node gone', (x) => !x.nodes.some((n) => n.id === stale.id), 30_000);
    expect(after.nodes.filter((n) => n.hostname === 'h3').map((n) => n.swarmId)).toEqual([second.id]);
    expect(outcomes).toEqual([]);
  });
});
