// Check the underlay: UDP 4789 and 7946 between every pair of lab hosts, both directions. Before
// the swarm: a datagram per port and direction from a host-network helper. With UDP 4789
// dropped on h3 (`npm run lab -- fault udp h3 4789`) the grid shows exactly the four cells to
// and from h3 on 4789 blocked; once the swarm holds the ports, the same fault shows through its
// own evidence (a ping through the ingress overlay). Cleared, every cell is open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostView, UnderlayReport } from '../../electron/shared/model';
import { clearFaults, faultUdp } from '../lab/faults';
import type { LabHostEnv } from '../lab/lab';
import { waitUntil } from '../support/cluster-conditions';
import { engineOnLab, type TestEngine } from '../support/engine';
import { leaveSwarmEverywhere } from '../support/lab';

let t: TestEngine;
let lab: LabHostEnv[];
let views: HostView[];
const name = (r: UnderlayReport, id: string) => r.hosts.find((h) => h.id === id)!.name;
const bad = (r: UnderlayReport) => r.cells.filter((c) => c.result !== 'open').map((c) => `${name(r, c.from)}→${name(r, c.to)}:${c.port} ${c.result} via ${c.via}`).sort();

beforeAll(async () => {
  ({ t, lab, views } = await engineOnLab());
}, 120_000);

afterAll(async () => {
  for (const h of lab ?? []) await clearFaults(h.name).catch(() => {});
  await t?.stop();
  if (lab) await leaveSwarmEverywhere(lab);
});

/** The grid as read while UDP `port` is dropped on `host` (the fault is lifted whatever happens). */
async function underlayWithUdpDropped(host: string, port: number): Promise<UnderlayReport> {
  await faultUdp(host, port);
  try {
    return await t.call('swarm:underlay', { hostIds: views.map((v) => v.id) });
  } finally {
    await clearFaults(host);
  }
}

describe('underlay grid', () => {
  it('before the swarm: UDP 4789 dropped on h3 shows the four cells to and from h3 blocked, nothing else', async () => {
    const r = await underlayWithUdpDropped('h3', 4789);
    expect(r.cells).toHaveLength(12);
    expect(r.hosts.map((h) => [h.name, h.inSwarm])).toEqual([['h1', false], ['h2', false], ['h3', false]]);
    expect(bad(r)).toEqual(['h1→h3:4789 blocked via probe', 'h2→h3:4789 blocked via probe', 'h3→h1:4789 blocked via probe', 'h3→h2:4789 blocked via probe']);
    expect(r.advice.join('\n')).toContain('--data-path-port');
    expect(r.commands[0].text).toMatch(/run --rm --network host \S+ traceroute -n -q 1 -w 2 -f 16 -m 16 -p 4788 [\d.]+$/);
  });

  it('cleared, every cell is open', async () => {
    const r = await t.call('swarm:underlay', { hostIds: views.map((v) => v.id) });
    expect(bad(r)).toEqual([]);
    expect(r.cells.every((c) => c.via === 'probe')).toBe(true);
  });

  it('in the swarm: the ports are the swarm’s; the same fault shows through the overlay, gossip stays open', async () => {
    await t.call('swarm:init', { id: views[0].id, advertiseAddr: lab[0].address });
    await t.call('swarm:join', { managerId: views[0].id, joins: views.slice(1).map((v) => ({ id: v.id, role: 'worker' as const })) });
    // Named condition: every node has the others among its ingress gossip peers.
    await waitUntil('every node to gossip with the two others', async () => {
      const r = await t.call('swarm:underlay', { hostIds: views.map((v) => v.id) });
      const g = r.cells.filter((c) => c.port === 7946);
      return g.every((c) => c.result === 'open') && r.cells.every((c) => c.via !== 'none') ? true : bad(r).join('; ');
    });
    const r = await underlayWithUdpDropped('h3', 4789);
    expect(bad(r)).toEqual(['h1→h3:4789 blocked via overlay', 'h2→h3:4789 blocked via overlay', 'h3→h1:4789 blocked via overlay', 'h3→h2:4789 blocked via overlay']);
    const cleared = await t.call('swarm:underlay', { hostIds: views.map((v) => v.id) });
    expect(bad(cleared)).toEqual([]);
  }, 180_000);
});
