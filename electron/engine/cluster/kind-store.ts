// One kind of object of the cluster model (tasks, services, containers…), keyed by id, with
// what changed since the last delta. Reads race: an event's read and a resync's list can come
// back in any order. Each write carries the time its read started, and the later read wins:
// an object written by a read that started after a list began is neither overwritten nor
// removed by that list, and an object removed by an event is not brought back by a list that
// started before the removal. Swarm objects also carry the engine's version, which only grows.

import { patchBetween, type ClusterPatch } from '../../shared/cluster-delta';

interface Entry<T> {
  value: T;
  json: string;
  /** The value as the last delta (or whole model) sent it: a change is sent as a patch from it. */
  sent?: T;
  readAt: number;
  version?: number;
}

/** How long a removal is remembered, so an older list in flight does not resurrect the object. */
const TOMBSTONE_MS = 120_000;

export class KindStore<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly removedAt = new Map<string, number>();
  private readonly upserted = new Set<string>();
  private readonly removed = new Set<string>();
  /** Secondary indexes: name → group value → keys. */
  private readonly indexes = new Map<string, { of: (v: T) => string | undefined; groups: Map<string, Set<string>> }>();

  constructor(indexes: Record<string, (v: T) => string | undefined> = {}) {
    for (const [name, of] of Object.entries(indexes)) this.indexes.set(name, { of, groups: new Map() });
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): T | undefined {
    return this.entries.get(key)?.value;
  }

  values(): IterableIterator<T> {
    return (function* (entries: Map<string, Entry<T>>) {
      for (const e of entries.values()) yield e.value;
    })(this.entries);
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  /** Keys in one group of an index (e.g. the tasks of one service). */
  keysIn(index: string, group: string): string[] {
    return [...(this.indexes.get(index)?.groups.get(group) ?? [])];
  }

  /**
   * Writes an object read at readAt. `build` makes the view; with a version equal to the one
   * held, it is not even called. Returns whether what the model shows changed.
   */
  put(key: string, build: () => T, readAt: number, version?: number): boolean {
    const held = this.entries.get(key);
    if ((this.removedAt.get(key) ?? -Infinity) > readAt) return false;
    if (held) {
      if (readAt < held.readAt) return false;
      if (version !== undefined && held.version !== undefined) {
        if (version < held.version) return false;
        if (version === held.version) {
          held.readAt = readAt;
          return false;
        }
      }
    }
    const value = build();
    const json = JSON.stringify(value);
    if (held && held.json === json) {
      held.readAt = readAt;
      held.version = version;
      return false;
    }
    if (held) this.unindex(key, held.value);
    this.entries.set(key, { value, json, readAt, version, sent: held?.sent });
    this.index(key, value);
    this.removedAt.delete(key);
    this.removed.delete(key);
    this.upserted.add(key);
    return true;
  }

  /** Works an object's view out again from what is held (something it depends on changed). */
  restate(key: string, build: () => T): boolean {
    const held = this.entries.get(key);
    if (!held) return false;
    const value = build();
    const json = JSON.stringify(value);
    if (json === held.json) return false;
    this.unindex(key, held.value);
    this.entries.set(key, { ...held, value, json });
    this.index(key, value);
    this.upserted.add(key);
    return true;
  }

  /** Removes an object found gone by a read that started at readAt (unless a later read wrote it). */
  remove(key: string, readAt: number): boolean {
    const held = this.entries.get(key);
    if (!held) {
      this.removedAt.set(key, Math.max(readAt, this.removedAt.get(key) ?? -Infinity));
      return false;
    }
    if (held.readAt > readAt) return false;
    this.entries.delete(key);
    this.unindex(key, held.value);
    this.removedAt.set(key, readAt);
    this.upserted.delete(key);
    this.removed.add(key);
    return true;
  }

  /** Removes an object whatever read wrote it (its host or swarm is out of the model). */
  drop(key: string): boolean {
    const held = this.entries.get(key);
    if (!held) return false;
    this.entries.delete(key);
    this.unindex(key, held.value);
    this.upserted.delete(key);
    this.removed.add(key);
    return true;
  }

  /**
   * A complete list of one scope (one host's containers, one swarm's tasks, one service's
   * tasks…) read at readAt: writes each item and removes the scope's objects the list lacks.
   */
  replaceScope(items: { key: string; build: () => T; version?: number }[], readAt: number, scope: string[]): boolean {
    let changed = false;
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(item.key);
      if (this.put(item.key, item.build, readAt, item.version)) changed = true;
    }
    for (const key of scope) if (!seen.has(key) && this.remove(key, readAt)) changed = true;
    this.pruneTombstones();
    return changed;
  }

  /**
   * What changed since the last call: objects new to the client whole, changed ones as patches
   * from what was last sent (whole when that is smaller), and the keys gone.
   */
  drain(): { upserts: T[]; patches: ClusterPatch<T>[]; removes: string[] } | null {
    if (!this.upserted.size && !this.removed.size) return null;
    const upserts: T[] = [];
    const patches: ClusterPatch<T>[] = [];
    for (const key of this.upserted) {
      const e = this.entries.get(key)!;
      const patch = e.sent === undefined ? null : patchBetween(key, e.sent as T & object, e.value as T & object, e.json);
      if (patch) patches.push(patch);
      else upserts.push(e.value);
      e.sent = e.value;
    }
    const removes = [...this.removed];
    this.upserted.clear();
    this.removed.clear();
    return { upserts, patches, removes };
  }

  private pruneTombstones(): void {
    if (this.removedAt.size < 256) return;
    const old = performance.now() - TOMBSTONE_MS;
    for (const [key, at] of this.removedAt) if (at < old) this.removedAt.delete(key);
  }

  private index(key: string, value: T): void {
    for (const { of, groups } of this.indexes.values()) {
      const g = of(value);
      if (g === undefined) continue;
      let set = groups.get(g);
      if (!set) groups.set(g, (set = new Set()));
      set.add(key);
    }
  }

  private unindex(key: string, value: T): void {
    for (const { of, groups } of this.indexes.values()) {
      const g = of(value);
      if (g === undefined) continue;
      const set = groups.get(g);
      set?.delete(key);
      if (set && !set.size) groups.delete(g);
    }
  }
}
