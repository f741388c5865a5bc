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
    const r = await t.call('checks:run', { from: 'frontend', to: 'backend', port: 80 });
    // Two faults are true at once: h3's DNS is stale, and once memberlist has declared h3 dead
    // (a few seconds without gossip; sooner or later depending on the machine's load) the other
    // nodes drop h3's endpoints, so cross-host pairs with h3 fail: the verdict is then
    // underlay-blocked, naming h3, and stale-dns is among the findings. Both are asserted.
    const finding = r.verdict.code === 'stale-dns' ? r.verdict : r.findings.find((f) => f.code === 'stale-dns');
    const said = `${r.verdict.code}: ${r.verdict.title} | ${r.findings.map((f) => f.code).join(', ')}`;
    expect(finding, said).toBeDefined();
    if (r.verdict.code !== 'stale-dns') {
      expect(r.verdict.code, said).toBe('underlay-blocked');
      expect(r.verdict.title).toContain('h3');
    }
    const v = finding!;
    // The oracle is what each node's DNS answered (the check's own sources): the nodes and the
    // addresses it names are exactly those answers that no live task has, and h3 is among them.
    // (h1 and h2 may list h3's removed tasks in their network view yet have dropped them from
    // DNS, once memberlist declared h3 dead: the view is not the answer.)
    // backend runs in dnsrr mode, so both `tasks.backend` and `backend` name its tasks; each is
    // its own query, a moment apart, and a node can drop h3's endpoints between the two (CI saw
    // h2 stale in one answer and not the other): the oracle reads both, as the check does.
    const live = new Set(await liveTaskIps(t, 'stalenet', 'backend'));
    const answeredStale = new Map<string, string[]>();
    for (const src of r.sources) {
      const answers = src.dns.filter((d) => d.name === 'tasks.backend' || d.name === 'backend');
      expect(answers.map((d) => d.name).sort(), `${src.node}'s DNS queries`).toEqual(['backend', 'tasks.backend']);
      const dead = answers.flatMap((d) => d.addresses).filter((ip) => !live.has(ip));
      if (dead.length) answeredStale.set(src.node, [...new Set([...(answeredStale.get(src.node) ?? []), ...dead])]);
    }
    const named = [...answeredStale.keys()].sort();
    const addresses = [...new Set([...answeredStale.values()].flat())].sort();
    expect(named).toContain('h3');
    expect(v.title).toBe(`${named.join(', ')} still ${named.length === 1 ? 'resolves' : 'resolve'} backend to ${addresses.length} address(es) of tasks that are gone: ${addresses.join(', ')}`);
    expect(v.next).toContain('docker service update --force backend');
    expect(v.next).toContain('7946');
    // h3's stale answers are tasks its own view still lists.
    for (const ip of answeredStale.get('h3')!) expect(staleOn.get('h3')).toContain(ip);
    expect(stale.length).toBeGreaterThan(0);
  }, 180_000);

  it('with gossip back, h3 heals and the same check says reachable', async () => {
    await clearFaults('h3');
    await waitUntil("h3's view of stalenet to list exactly backend's live tasks", async () => {
      const [live, view] = [await liveTaskIps(t, 'stalenet', 'backend'), await hostView(h3(), 'stalenet', 'backend')];
      return JSON.stringify(live) === JSON.stringify(view) ? true : `live ${live.join(' ')}; h3 lists ${view.join(' ')}`;
    });
    // And every node knows every live task again (h3's endpoints were dropped elsewhere while it was cut off).
    await overlayConverged(t, lab, 'stalenet', ['frontend', 'backend']);
    const r = await t.call('checks:run', { from: 'frontend', to: 'backend', port: 80 });
    expect(r.verdict.code, `${r.verdict.title} | ${r.verdict.evidence.join(' | ')}`).toBe('reachable');
  }, 120_000);
});
