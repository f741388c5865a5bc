// The cluster model as pushed by the engine, plus the log of operations the user ran here.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { CliCommand, ClusterModel } from '../../../electron/shared/model';
import { ApiError } from '../../../electron/shared/errors';
import { api } from '../api/client';

export interface LogEntry {
  id: number;
  title: string;
  /** One line per host (or one for the whole operation). */
  lines: { host: string; hostId?: string; state: 'working' | 'done' | 'failed'; message: string; hint?: string; commands: CliCommand[] }[];
  at: string;
}

export const useClusterStore = defineStore('cluster', () => {
  // Replaced whole on every change, never edited in place: no deep reactivity needed.
  const model = shallowRef<ClusterModel | null>(null);
  const log = ref<LogEntry[]>([]);
  /** Live per-host phase of the running multi-host operation. */
  const progress = ref<Record<string, { phase: string; message: string }>>({});
  let next = 1;

  api.on('cluster:changed', (p) => (model.value = p.model));
  api.on('operation:progress', (p) => (progress.value[p.hostId] = { phase: p.phase, message: p.message }));

  async function refresh(): Promise<void> {
    model.value = await api.call('cluster:snapshot', {});
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

  return { model, log, progress, refresh, record };
});
