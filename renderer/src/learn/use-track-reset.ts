// Start over for one track: what the track itself must undo first (a scale to restore, a watch to
// stop), then lessons:cleanup removes the track's services, networks, containers and helpers on
// every host. What was removed (and the commands it equals) is shown above the steps.
import { ref } from 'vue';
import type { CleanupResult, TrackId } from '../../../electron/shared/lessons';
import type { CliCommand } from '../../../electron/shared/model';
import { api } from '../api/client';
import type { StepRunner } from './use-step-runner';

export function useTrackReset(track: TrackId, runner: StepRunner, hooks: { before?: () => Promise<CliCommand[] | void>; after?: () => void } = {}) {
  const resetting = ref(false);
  const outcome = ref<CleanupResult | null>(null);
  async function reset() {
    resetting.value = true;
    try {
      let result: CleanupResult | null = null;
      const extra: CliCommand[] = [];
      const ok = await runner.act('reset', async () => {
        extra.push(...((await hooks.before?.()) ?? []));
        result = await api.call('lessons:cleanup', { track });
      });
      if (!ok || !result) return;
      runner.forget();
      hooks.after?.();
      const r: CleanupResult = result;
      outcome.value = { ...r, commands: [...extra, ...r.commands] };
    } finally {
      resetting.value = false;
    }
  }
  return { resetting, outcome, reset };
}
