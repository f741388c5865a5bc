// Running a step's action: one at a time, its docker commands kept to show under the step, its
// failure shown there with the next thing to do, and the cluster model read again afterwards.
import { ref } from 'vue';
import type { CliCommand } from '../../../electron/shared/model';
import { ApiError } from '../../../electron/shared/errors';
import { useClusterStore } from '../stores/cluster';

export interface StepFailure {
  step: string;
  message: string;
  hint?: string;
}

export function useStepRunner() {
  const store = useClusterStore();
  const busy = ref<string | null>(null);
  const failure = ref<StepFailure | null>(null);
  const ran = ref<Record<string, CliCommand[]>>({});

  async function act(step: string, run: () => Promise<CliCommand[] | void>): Promise<boolean> {
    busy.value = step;
    failure.value = null;
    try {
      const commands = await run();
      if (commands) ran.value = { ...ran.value, [step]: [...(ran.value[step] ?? []), ...commands].slice(-12) };
      await store.refresh().catch(() => {});
      return true;
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError('internal', String(err));
      failure.value = { step, message: e.message, hint: e.hint };
      return false;
    } finally {
      busy.value = null;
    }
  }

  function forget() {
    ran.value = {};
    failure.value = null;
  }

  return { busy, failure, ran, act, forget };
}

export type StepRunner = ReturnType<typeof useStepRunner>;
