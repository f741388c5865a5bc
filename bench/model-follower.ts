// The UI side of the live model for the benchmarks: every cluster:changed event crosses a JSON
// boundary as it would to a window (its bytes counted), then is applied to a ClusterState the
// way the renderer applies it. Works with a delta engine and with one that sends whole models.
import { ClusterState, type ClusterDelta } from '../electron/shared/cluster-delta';
import type { ClusterModel } from '../electron/shared/model';

export class ModelFollower {
  readonly state = new ClusterState();
  bytes = 0;
  events = 0;
  /** Time spent in receive(): the UI's share of the work, kept apart from the engine's. */
  spentMs = 0;
  wholeModels = 0;
  /** Called after each event with the time it was applied and the (decoded) event. */
  onApplied: (at: number, delta: ClusterDelta) => void = () => {};

  constructor() {
    // A delta engine starts from the empty model at seq 0 and numbers every change after it.
    this.state.load({ swarm: null, swarms: [], hosts: [], nodes: [], networks: [], services: [], tasks: [], containers: [], updatedAt: '', seq: 0 });
  }

  receive(payload: unknown): void {
    const t0 = performance.now();
    try {
      this.take(payload);
    } finally {
      this.spentMs += performance.now() - t0;
    }
  }

  private take(payload: unknown): void {
    const text = JSON.stringify(payload);
    this.bytes += text.length;
    this.events += 1;
    const delta = JSON.parse(text) as ClusterDelta;
    if (delta.model) {
      this.wholeModels += 1;
      // An engine that sends whole models numbers nothing: each one is simply the latest.
      this.state.load({ ...delta.model, seq: delta.model.seq ?? this.state.seq + 1 });
    } else if (this.state.apply(delta) === 'gap') throw new Error(`a gap at ${delta.seq}: ${this.whyGap(delta)}`);
    this.onApplied(Date.now(), delta);
  }

  /** Which rule a refused delta broke: a jump in seq, or a patch to an object this copy lacks. */
  private whyGap(delta: ClusterDelta): string {
    if (delta.seq !== this.state.seq + 1) return `seq jumped from ${this.state.seq} (a delta was lost)`;
    const unknown = Object.entries(delta.patches ?? {}).flatMap(([kind, patches]) => (patches ?? []).filter((p) => !this.state.maps[kind as keyof typeof this.state.maps].has(p.key)).map((p) => `${kind} ${p.key} ${JSON.stringify(p).slice(0, 300)}`));
    return `patches to objects never sent whole: ${unknown.slice(0, 3).join('; ')} (${unknown.length} in all)`;
  }

  model(): ClusterModel {
    return this.state.toModel();
  }
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
