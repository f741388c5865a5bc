// The tunnel lesson's experiment, as pure logic over a watch's samples: the counters of each
// host just before a check and the first ones read after it ended (did they rise?), and whether
// a host's counters stood still between two samples outside the check (idle otherwise).
import type { TunnelSample, VxlanCounters } from '../../../electron/shared/lessons';

export const sumCounters = (s: Pick<TunnelSample, 'devices'>): VxlanCounters =>
  s.devices.reduce((a, d) => ({ rxBytes: a.rxBytes + d.rxBytes, rxPackets: a.rxPackets + d.rxPackets, txBytes: a.txBytes + d.txBytes, txPackets: a.txPackets + d.txPackets }), { rxBytes: 0, rxPackets: 0, txBytes: 0, txPackets: 0 });

export const minus = (a: VxlanCounters, b: VxlanCounters): VxlanCounters => ({ rxBytes: a.rxBytes - b.rxBytes, rxPackets: a.rxPackets - b.rxPackets, txBytes: a.txBytes - b.txBytes, txPackets: a.txPackets - b.txPackets });
const same = (a: VxlanCounters, b: VxlanCounters) => a.rxPackets === b.rxPackets && a.txPackets === b.txPackets && a.rxBytes === b.rxBytes && a.txBytes === b.txBytes;

/** The check's window on one host: the last sample before it started, the last one read before it ended. */
export interface CheckWindow {
  beforeSeq: number;
  endSeq?: number;
}

export interface HostRise {
  before: VxlanCounters;
  after: VxlanCounters;
  delta: VxlanCounters;
  rose: boolean;
}

/** Counters before the check and from the first sample read after it ended; undefined until that sample exists. */
export function riseDuring(samples: TunnelSample[], w: CheckWindow | undefined): HostRise | undefined {
  if (!w || w.endSeq === undefined) return undefined;
  const before = samples.find((s) => s.seq === w.beforeSeq);
  const after = samples.find((s) => s.seq > w.endSeq!);
  if (!before || !after) return undefined;
  const [b, a] = [sumCounters(before), sumCounters(after)];
  const delta = minus(a, b);
  return { before: b, after: a, delta, rose: delta.txPackets + delta.rxPackets > 0 };
}

/** Two consecutive samples with the same counters, not straddling the check: the tunnel sat idle. */
export function idleSeen(samples: TunnelSample[], w: CheckWindow | undefined): boolean {
  for (let i = 1; i < samples.length; i++) {
    const [p, q] = [samples[i - 1], samples[i]];
    if (q.seq !== p.seq + 1) continue;
    const duringCheck = w && q.seq > w.beforeSeq && (w.endSeq === undefined || p.seq <= w.endSeq);
    if (!duringCheck && same(sumCounters(p), sumCounters(q))) return true;
  }
  return false;
}
