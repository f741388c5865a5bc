// The cluster model as pushed by the engine (kept in normalised maps, updated by deltas, at
// most once a frame), the swarm the pages show, and the log of operations the user ran here.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CliCommand, ClusterModel } from '../../../electron/shared/model';
import { ApiError } from '../../../electron/shared/errors';
import { api } from '../api/client';
import { ClusterFeed, rebuildModel } from './cluster-feed';
import { scopeModel } from './swarm-scope';

export interface LogEntry {
  id: number;
  title: string;
  /** One line per host (or one for the whole operation). */
  lines: { host: string; hostId?: string; state: 'working' | 'done' | 'failed'; message: string; hint?: string; commands: CliCommand[] }[];
  at: string;
}

/** Once per frame, or after 100 ms when frames do not come (a hidden window). */
function nextFrame(fn: () => void): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    fn();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
  setTimeout(run, 100);
}

const SWARM_KEY = 'archipelago.swarm';

export const useClusterStore = defineStore('cluster', () => {
  // Replaced whole on every batch of changes, never edited in place: no deep reactivity needed.
  const model = shallowRef<ClusterModel | null>(null);
  const loadError = ref<string | null>(null);
  const log = ref<LogEntry[]>([]);
  /** Live per-host phase of the running multi-host operation. */
  const progress = ref<Record<string, { phase: string; message: string }>>({});
  /** The swarm the pages show: one swarm's id, or 'all' (side by side). */
  const swarmChoice = ref<string>(sessionStorage.getItem(SWARM_KEY) ?? 'all');
  let next = 1;

  const feed = new ClusterFeed({
    fetchModel: () => api.call('cluster:model', {}),
    later: nextFrame,
    changed: (kinds) => {
      loadError.value = null;
      model.value = rebuildModel(feed.state, model.value, kinds);
    },
    failed: (err) => (loadError.value = err instanceof Error ? err.message : String(err)),
  });
  api.on('cluster:changed', (delta) => feed.receive(delta));
  api.on('operation:progress', (p) => (progress.value[p.hostId] = { phase: p.phase, message: p.message }));
  void feed.reload();

  /** The swarm shown: the one chosen while it exists, else all. */
  const swarm = computed(() => (model.value?.swarms.some((s) => s.id === swarmChoice.value) ? swarmChoice.value : 'all'));
  /** The model limited to the swarm shown (the whole model for 'all'). */
  const scoped = computed(() => (model.value ? scopeModel(model.value, swarm.value) : null));

  function chooseSwarm(id: string): void {
    swarmChoice.value = id;
    sessionStorage.setItem(SWARM_KEY, id);
  }

  /** Loads the whole model as the engine holds it (no read of the hosts), unless deltas keep it current already. */
  function refresh(): Promise<void> {
    return feed.state.loaded ? Promise.resolve() : feed.reload();
  }

  /** Runs one operation and records its outcome (with its CLI equivalent) in the log. */
  async function record<T>(title: string, hosts: { id?: string; name: string }[], run: () => Promise<T>, toLines?: (r: T) => LogEntry['lines']): Promise<T | null> {
    const host = hosts.map((h) => h.name).join(', ');
    const lines = hosts.map((h) => ({ host: h.name, hostId: h.id, state: 'working' as const, message: 'working…', commands: [] }));
    const entry: LogEntry = { id: next++, title, lines, at: new Date().toLocaleTimeString() };
    log.value.unshift(entry);
    const live = log.value[0];
    try {
      const result = await run();
      live.lines = toLines ? toLines(result) : [{ host, state: 'done', message: (result as { message: string }).message, commands: (result as { commands: CliCommand[] }).commands }];
      return result;
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError('internal', String(err));
      live.lines = [{ host, state: 'failed', message: e.message, hint: e.hint, commands: [] }];
      return null;
    } finally {
      progress.value = {};
    }
  }

  return { model, scoped, swarm, chooseSwarm, loadError, log, progress, refresh, record, feed };
});
