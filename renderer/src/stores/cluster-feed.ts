// The UI's side of the live model: applies each cluster:changed delta to normalised maps (one
// per kind), asks for the whole model when it has none or sees a gap in seq, and tells its owner
// once per batch which kinds changed. Plain logic: the store wraps it, unit tests drive it.
import { CLUSTER_KINDS, ClusterState, type ClusterDelta, type ClusterKind } from '../../../electron/shared/cluster-delta';
import type { ClusterModel } from '../../../electron/shared/model';

export interface FeedDeps {
  /** The whole model as the engine holds it (cluster:model). */
  fetchModel(): Promise<ClusterModel>;
  /** Runs fn soon, once for any number of calls before it runs (a frame, in the UI). */
  later(fn: () => void): void;
  /** The model changed: these kinds (all of them after a whole model). */
  changed(kinds: Set<ClusterKind>): void;
  /** A whole model could not be fetched. */
  failed?(err: unknown): void;
}

export class ClusterFeed {
  readonly state = new ClusterState();
  /** Whole models fetched (the first one, then one per gap): a test and the benchmarks read it. */
  fullLoads = 0;
  private fetching: Promise<void> | null = null;
  /** Deltas that arrive while a whole model is on its way, applied after it. */
  private held: ClusterDelta[] = [];
  private pending = new Set<ClusterKind>();
  private scheduled = false;

  constructor(private readonly deps: FeedDeps) {}

  /** One cluster:changed event. */
  receive(delta: ClusterDelta): void {
    if (this.fetching && !delta.model) {
      this.held.push(delta);
      return;
    }
    const outcome = this.state.apply(delta);
    if (outcome === 'gap') {
      this.held.push(delta);
      void this.reload();
      return;
    }
    if (outcome !== 'stale') this.note(this.state.changed);
  }

  /** Fetches the whole model (at start, on a gap, or when a page asks). */
  reload(): Promise<void> {
    this.fetching ??= (async () => {
      try {
        const model = await this.deps.fetchModel();
        this.fullLoads += 1;
        this.state.apply({ seq: model.seq, model });
        this.note(this.state.changed);
      } catch (err) {
        this.deps.failed?.(err);
      } finally {
        this.fetching = null;
        const held = this.held;
        this.held = [];
        // Those the model already includes are stale; a gap among the rest fetches again.
        for (const d of held) this.receive(d);
      }
    })();
    return this.fetching;
  }

  private note(kinds: Set<ClusterKind>): void {
    for (const k of kinds) this.pending.add(k);
    if (this.scheduled) return;
    this.scheduled = true;
    this.deps.later(() => {
      this.scheduled = false;
      const kinds = this.pending;
      this.pending = new Set();
      if (kinds.size) this.deps.changed(kinds);
    });
  }
}

/**
 * Builds the model from the feed's maps, reusing the previous model's list of each kind that
 * did not change (so what depends only on those lists can tell nothing changed).
 */
export function rebuildModel(state: ClusterState, previous: ClusterModel | null, kinds: Set<ClusterKind>): ClusterModel {
  const next = state.toModel();
  if (previous) {
    for (const k of CLUSTER_KINDS) if (!kinds.has(k)) (next as Record<ClusterKind, unknown>)[k] = previous[k];
  }
  return next;
}
