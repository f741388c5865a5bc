// The cluster model as a stream of deltas: what one cluster:changed event carries, how each kind
// of object is keyed, and the one way to apply a delta. The engine builds deltas; the renderer,
// the tests and the benchmarks apply them with ClusterState.
import { deriveRollout } from './rollout';
import type { ClusterModel, SwarmView } from './model';

export const CLUSTER_KINDS = ['swarms', 'hosts', 'nodes', 'networks', 'services', 'tasks', 'containers'] as const;
export type ClusterKind = (typeof CLUSTER_KINDS)[number];
export type ClusterItem<K extends ClusterKind> = ClusterModel[K][number];

/** Model-wide fields, sent whenever one of them changes. */
export interface ClusterMeta {
  swarm: SwarmView | null;
  noReachableManager: ClusterModel['noReachableManager'] | null;
  updatedAt: string;
}

export type ClusterUpserts = { [K in ClusterKind]?: ClusterItem<K>[] };
export type ClusterRemoves = { [K in ClusterKind]?: string[] };

/**
 * A change to an object the client already holds, as the fields that changed: a task that moves
 * from "starting" to "running" sends its state and timestamp, not the whole task again.
 */
export interface ClusterPatch<T = Record<string, unknown>> {
  /** Its key (see itemKey). */
  key: string;
  /** Fields with their new values. */
  set: Partial<T>;
  /** Fields it no longer has. */
  unset?: string[];
}
export type ClusterPatches = { [K in ClusterKind]?: ClusterPatch<ClusterItem<K>>[] };

export interface ClusterDelta {
  /** One more than the previous event's: a client that sees a jump has missed one. */
  seq: number;
  /** The whole model instead of a change: sent to a new subscriber and after a gap. */
  model?: ClusterModel;
  /** Objects added (or changed, when whole is smaller than a patch), per kind. */
  upserts?: ClusterUpserts;
  /** Objects the client holds that changed, as their changed fields, per kind. */
  patches?: ClusterPatches;
  /** Keys (see itemKey) of objects gone, per kind. */
  removes?: ClusterRemoves;
  meta?: Partial<ClusterMeta>;
}

/** How each kind is keyed: containers by host and id (ids are per engine), the rest by id. */
export function itemKey<K extends ClusterKind>(kind: K, item: ClusterItem<K>): string {
  if (kind === 'containers') {
    const c = item as ClusterItem<'containers'>;
    return `${c.hostId}/${c.id}`;
  }
  if (kind === 'hosts') return (item as ClusterItem<'hosts'>).hostId;
  return (item as { id: string }).id;
}

type KindMaps = { [K in ClusterKind]: Map<string, ClusterItem<K>> };

export type ApplyOutcome = 'full' | 'applied' | 'stale' | 'gap';

/**
 * A client's copy of the model: one map per kind, keyed as itemKey says, plus the model-wide
 * fields. Applying the engine's deltas in order gives the engine's model; a delta whose seq is
 * not the next one is a gap, and the client asks for the whole model again.
 */
export class ClusterState {
  seq = -1;
  readonly maps: KindMaps = {
    swarms: new Map(),
    hosts: new Map(),
    nodes: new Map(),
    networks: new Map(),
    services: new Map(),
    tasks: new Map(),
    containers: new Map(),
  };
  meta: ClusterMeta = { swarm: null, noReachableManager: null, updatedAt: '' };
  /** Kinds the last apply changed (all of them after a whole model). */
  changed = new Set<ClusterKind>();

  get loaded(): boolean {
    return this.seq >= 0;
  }

  /** Takes a whole model (from cluster:model, cluster:snapshot or an event that carries one). */
  load(model: ClusterModel): void {
    for (const kind of CLUSTER_KINDS) {
      const map = this.maps[kind] as Map<string, ClusterItem<typeof kind>>;
      map.clear();
      for (const item of model[kind] as ClusterItem<typeof kind>[]) map.set(itemKey(kind, item), item);
    }
    this.meta = { swarm: model.swarm, noReachableManager: model.noReachableManager ?? null, updatedAt: model.updatedAt };
    this.seq = model.seq;
    this.changed = new Set(CLUSTER_KINDS);
  }

  apply(delta: ClusterDelta): ApplyOutcome {
    if (delta.model) {
      if (this.loaded && delta.model.seq < this.seq) return 'stale';
      this.load(delta.model);
      return 'full';
    }
    if (!this.loaded) return 'gap';
    if (delta.seq <= this.seq) return 'stale';
    if (delta.seq !== this.seq + 1) return 'gap';
    // A patch to an object this copy lacks cannot be applied: only a whole model mends that.
    if (CLUSTER_KINDS.some((kind) => delta.patches?.[kind]?.some((p) => !this.maps[kind].has(p.key)))) return 'gap';
    this.changed = new Set();
    for (const kind of CLUSTER_KINDS) {
      const map = this.maps[kind] as Map<string, ClusterItem<typeof kind>>;
      const gone = delta.removes?.[kind];
      const came = delta.upserts?.[kind] as ClusterItem<typeof kind>[] | undefined;
      const patched = delta.patches?.[kind] as ClusterPatch<ClusterItem<typeof kind>>[] | undefined;
      if (gone?.length) for (const key of gone) map.delete(key);
      if (came?.length) for (const item of came) map.set(itemKey(kind, item), item);
      if (patched?.length) for (const p of patched) map.set(p.key, patchedItem(map.get(p.key)!, p));
      if (gone?.length || came?.length || patched?.length) this.changed.add(kind);
    }
    if (delta.meta) this.meta = { ...this.meta, ...delta.meta };
    // An update's progress is derived from its service's tasks (rollout.ts): when tasks change
    // while a service has an update, that service's view changes too.
    if (this.changed.has('tasks') && !this.changed.has('services') && [...this.maps.services.values()].some((s) => s.update)) this.changed.add('services');
    this.seq = delta.seq;
    return 'applied';
  }

  toModel(): ClusterModel {
    const { swarm, noReachableManager, updatedAt } = this.meta;
    return {
      swarm,
      ...(noReachableManager ? { noReachableManager } : {}),
      swarms: [...this.maps.swarms.values()],
      hosts: [...this.maps.hosts.values()],
      nodes: [...this.maps.nodes.values()],
      networks: [...this.maps.networks.values()],
      ...deriveRollout([...this.maps.services.values()], [...this.maps.tasks.values()]),
      containers: [...this.maps.containers.values()],
      updatedAt,
      seq: this.seq,
    };
  }
}

/** A new object (the held one is never changed in place: views compare by identity). */
function patchedItem<T>(held: T, patch: ClusterPatch<T>): T {
  const next = { ...held, ...patch.set } as Record<string, unknown>;
  for (const field of patch.unset ?? []) delete next[field];
  return next as T;
}

/**
 * The patch that turns `before` into `after`, compared field by field (each field as JSON), or
 * null when sending `after` whole is no bigger.
 */
export function patchBetween<T extends object>(key: string, before: T, after: T, afterJson: string): ClusterPatch<T> | null {
  const was = before as Record<string, unknown>;
  const now = after as Record<string, unknown>;
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  // A field set to undefined is absent (JSON drops it): it must be unset, never "set".
  for (const [field, value] of Object.entries(now)) if (value !== undefined && JSON.stringify(value) !== JSON.stringify(was[field])) set[field] = value;
  for (const [field, value] of Object.entries(was)) if (value !== undefined && now[field] === undefined) unset.push(field);
  const patch: ClusterPatch<T> = { key, set: set as Partial<T>, ...(unset.length ? { unset } : {}) };
  return JSON.stringify(patch).length < afterJson.length ? patch : null;
}

/** A model with every list in key order, without its time and seq: two of these compare equal when the models say the same. */
export function comparableModel(model: ClusterModel): Omit<ClusterModel, 'updatedAt' | 'seq'> {
  const { updatedAt: _u, seq: _s, ...rest } = model;
  const sorted = { ...rest };
  for (const kind of CLUSTER_KINDS) {
    const list = [...(model[kind] as ClusterItem<typeof kind>[])].sort((a, b) => itemKey(kind, a).localeCompare(itemKey(kind, b)));
    (sorted as Record<ClusterKind, unknown[]>)[kind] = list;
  }
  return sorted;
}
