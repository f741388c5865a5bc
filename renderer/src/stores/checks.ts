// Checks that outlive the page: the running watch and the latest verdict per edge (A → B), so
// the map can draw watched edges, broken ones in red, while the user looks elsewhere.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Input } from '../../../electron/shared/contract';
import type { CheckResult } from '../../../electron/shared/model';
import { api } from '../api/client';

export interface EdgeState {
  from: string;
  to: string;
  networkId?: string;
  level: CheckResult['verdict']['level'];
  title: string;
}
export interface LatencyPoint {
  at: number;
  ms?: number;
  failed: number;
}

export const useChecksStore = defineStore('checks', () => {
  const latest = ref<CheckResult | null>(null);
  const watchId = ref<string | null>(null);
  const watchError = ref<string | null>(null);
  const history = ref<LatencyPoint[]>([]);
  const edges = ref<Record<string, EdgeState>>({});

  function remember(r: CheckResult) {
    latest.value = r;
    edges.value = { ...edges.value, [`${r.from}->${r.to}`]: { from: r.from, to: r.to, networkId: r.network?.id, level: r.verdict.level, title: r.verdict.title } };
  }

  api.on('checks:result', (p) => {
    if (p.watchId !== watchId.value) return;
    if (!p.result) {
      watchError.value = p.error ? `${p.error.message}. ${p.error.hint ?? ''}` : 'The check could not run';
      return;
    }
    watchError.value = null;
    remember(p.result);
    const lat = p.result.pairs.map((x) => x.latencyMs).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
    history.value = [...history.value, { at: Date.now(), ms: lat.length ? lat[Math.floor(lat.length / 2)] : undefined, failed: p.result.pairs.filter((x) => !x.reachable).length }].slice(-60);
  });

  async function run(input: Input<'checks:run'>): Promise<CheckResult> {
    const r = await api.call('checks:run', input);
    remember(r);
    return r;
  }

  async function startWatch(input: Input<'checks:watch'>): Promise<void> {
    await stopWatch();
    history.value = [];
    watchId.value = (await api.call('checks:watch', input)).watchId;
  }

  async function stopWatch(): Promise<void> {
    const id = watchId.value;
    watchId.value = null;
    if (id) await api.call('checks:watchStop', { watchId: id }).catch(() => {});
  }

  return { latest, watchId, watchError, history, edges, run, startWatch, stopWatch };
});
