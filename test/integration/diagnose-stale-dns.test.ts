// Names that point at the dead: h3 is cut off from swarm's gossip (`npm run lab -- fault gossip
// h3`), then backend is scaled down from 6 to 2. h3 never hears that the removed tasks are gone,
// so its DNS keeps answering tasks.backend with their addresses. The check must say stale-dns,
// name h3 and those addresses; with gossip back, h3's view heals and the check says reachable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearFaults, faultGossip } from '../lab/faults';
import type { LabHostEnv } from '../lab/lab';
import { hostView, liveTaskIps, overlayConverged, tasksRunning, waitUntil } from '../support/cluster-conditions';
import { engineOnLab, type TestEngine } from '../support/engine';
import { leaveSwarmEverywhere } from '../support/lab';

let t: TestEngine;
let lab: LabHostEnv[];
const h3 = () => lab.find((h) => h.name === 'h3')!;

beforeAll(async () => {
  ({ t, lab } = await engineOnLab({ swarm: true }));
  await t.call('networks:create', { name: 'stalenet', subnet: '10.89.0.0/24' });
  await t.call('services:create', { name: 'frontend', image: 'lab/web', mode: 'global', networks: ['stalenet'], endpointMode: 'dnsrr' });
  await t.call('services:create', { name: 'backend', image: 'lab/web', replicas: 6, networks: ['stalenet'], endpointMode: 'dnsrr' });
  await tasksRunning(t, 'frontend', 3);
  await tasksRunning(t, 'backend', 6);
  await overlayConverged(t, lab, 'stalenet', ['frontend', 'backend']);
}, 240_000);

afterAll(async () => {
  for (const h of lab ?? []) await clearFaults(h.name).catch(() => {});
  await t?.stop();
  if (lab) await leaveSwarmEverywhere(lab);
});

describe('stale-dns', () => {
  let stale: string[] = [];

  it('a node that missed the removal of tasks still resolves them: names the node and the addresses', async () => {
    await faultGossip('h3');
    await t.call('services:scale', { service: 'backend', replicas: 2 });
    await tasksRunning(t, 'backend', 2, 2);
    // The named condition: h3's own view of the overlay lists backend addresses no task has.
    // (The cut runs both ways: h1 and h2 may equally keep the tasks removed from h3.)
    const staleOn = new Map<string, string[]>();
    await waitUntil("h3's view of stalenet to list backend addresses that no task has", async () => {
      const live = await liveTaskIps(t, 'stalenet', 'backend');
      if (live.length !== 2) return `${live.length} live task(s)`;
      for (const h of lab) staleOn.set(h.name, (await hostView(h, 'stalenet', 'backend')).filter((ip) => !live.includes(ip)));
      return staleOn.get('h3')!.length ? true : 'h3 lists only live tasks';
    });
    stale = [...new Set([...staleOn.values()].flat())].sort();
    const nodes = [...staleOn].filter(([, ips]) => ips.length).map(([n]) => n).sort();
    const r = await t.call('checks:run', { from: 'frontend', to: 'backend', port: 80 });
    expect(r.verdict.code, `${r.verdict.title} | ${r.verdict.evidence.join(' | ')}`).toBe('stale-dns');
    expect(r.verdict.title).toBe(`${nodes.join(', ')} still ${nodes.length === 1 ? 'resolves' : 'resolve'} backend to ${stale.length} address(es) of tasks that are gone: ${stale.join(', ')}`);
    expect(r.verdict.next).toContain('docker service update --force backend');
    expect(r.verdict.next).toContain('7946');
    // What each node's DNS answered is what its own view of the overlay lists.
    for (const s of r.sources) {
      const answered = s.dns.find((d) => d.name === 'tasks.backend')!.addresses;
      expect(answered.filter((ip) => stale.includes(ip)).sort(), s.node).toEqual(staleOn.get(s.node));
    }
  }, 180_000);

  it('with gossip back, h3 heals and the same check says reachable', async () => {
    await clearFaults('h3');
    await waitUntil("h3's view of stalenet to list exactly backend's live tasks", async () => {
      const [live, view] = [await liveTaskIps(t, 'stalenet', 'backend'), await hostView(h3(), 'stalenet', 'backend')];
      return JSON.stringify(live) === JSON.stringify(view) ? true : `live ${live.join(' ')}; h3 lists ${view.join(' ')}`;
    });
    const r = await t.call('checks:run', { from: 'frontend', to: 'backend', port: 80 });
    expect(r.verdict.code, `${r.verdict.title} | ${r.verdict.evidence.join(' | ')}`).toBe('reachable');
  }, 120_000);
});
