// Large packets vanish: on the lab, VXLAN packets over 1400 bytes to and from h3 are dropped
// (`npm run lab -- fault mtu h3 1400`), so the overlay (MTU 1450) carries at most 1350 bytes to
// h3. Small pings and TCP connects still pass; the check must say mtu-blackhole, name h3, and
// find the largest size within its probe's step. Cleared, the same check says reachable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostView } from '../../electron/shared/model';
import { clearFaults, faultMtu } from '../lab/faults';
import type { LabHostEnv } from '../lab/lab';
import { overlayConverged, tasksRunning } from '../support/cluster-conditions';
import { engineOnLab, type TestEngine } from '../support/engine';
import { leaveSwarmEverywhere } from '../support/lab';

let t: TestEngine;
let lab: LabHostEnv[];
let views: HostView[];
const PATH_MTU = 1400;
/** The probe's two rounds of eight sizes between 576 and the MTU: its resolution. */
const STEP = Math.ceil((1450 - 576) / 64) + 1;

beforeAll(async () => {
  ({ t, lab, views } = await engineOnLab({ swarm: true }));
  await t.call('networks:create', { name: 'mtunet', subnet: '10.93.0.0/24' });
  for (const name of ['frontend', 'backend']) await t.call('services:create', { name, image: 'lab/web', replicas: 3, networks: ['mtunet'], endpointMode: 'dnsrr' });
  for (const name of ['frontend', 'backend']) await tasksRunning(t, name, 3);
  await overlayConverged(t, lab, 'mtunet', ['frontend', 'backend']);
}, 240_000);

afterAll(async () => {
  for (const h of lab ?? []) await clearFaults(h.name).catch(() => {});
  await t?.stop();
  if (lab) await leaveSwarmEverywhere(lab);
  void views;
});

describe('mtu-blackhole', () => {
  it('finds the largest packet that passes to and from h3, and names h3', async () => {
    await faultMtu('h3', PATH_MTU);
    let r;
    try {
      r = await t.call('checks:run', { from: 'frontend', to: 'backend', port: 80 });
    } finally {
      await clearFaults('h3');
    }
    expect(r.verdict.code, `${r.verdict.title} | ${r.verdict.evidence.join(' | ')}`).toBe('mtu-blackhole');
    expect(r.verdict.title).toContain('h3');
    expect(r.verdict.next).toMatch(/com\.docker\.network\.driver\.mtu=\d+/);
    // Small probes pass on every pair: it is not the underlay being blocked.
    expect(r.pairs.every((p) => p.reachable)).toBe(true);
    const h3Cross = r.pairs.filter((p) => !p.sameHost && (p.sourceNode === 'h3' || p.targetNode === 'h3'));
    expect(h3Cross).toHaveLength(4);
    const inner = PATH_MTU - 50;
    for (const p of h3Cross) {
      expect(p.large?.mtu).toBe(1450);
      expect(p.large!.largest).toBeLessThanOrEqual(inner);
      expect(p.large!.largest).toBeGreaterThan(inner - STEP);
      expect(p.large!.smallestFailed).toBeGreaterThan(inner);
      expect(p.large!.smallestFailed! - p.large!.largest).toBeLessThanOrEqual(STEP);
    }
    // Pairs that do not involve h3 carry the overlay's full MTU.
    expect(r.pairs.filter((p) => !h3Cross.includes(p)).every((p) => p.large?.largest === 1450 && p.large.smallestFailed === undefined)).toBe(true);
  });

  it('after the fault is cleared, the same check says reachable', async () => {
    const r = await t.call('checks:run', { from: 'frontend', to: 'backend', port: 80 });
    expect(r.verdict.code, `${r.verdict.title} | ${r.verdict.evidence.join(' | ')}`).toBe('reachable');
    expect(r.pairs.every((p) => p.large?.largest === 1450)).toBe(true);
  });
});
