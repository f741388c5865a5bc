// Field errors for a form, from the same zod schema the engine checks with.
import { ref } from 'vue';
import type { z } from 'zod';
import { describeIssue } from '../../../electron/shared/validate';
import { ApiError } from '../../../electron/shared/errors';

export function useFormErrors() {
  const fields = ref<Record<string, string>>({});
  const failure = ref<{ message: string; hint?: string } | null>(null);

  function check<S extends z.ZodType>(schema: S, input: unknown): z.output<S> | null {
    fields.value = {};
    failure.value = null;
    const parsed = schema.safeParse(input);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const { field, message } = describeIssue(issue);
      fields.value[field] ??= message;
    }
    return null;
  }

  function fromError(err: unknown): void {
    if (err instanceof ApiError && err.field) fields.value[err.field] = err.message;
    failure.value = err instanceof ApiError ? { message: err.message, hint: err.hint } : { message: String(err) };
  }

  const status = (field: string) => (fields.value[field] ? ('error' as const) : undefined);

  /** Validates with the schema, then runs the call with the form busy; errors land on the form. */
  const busy = ref(false);
  async function submitWith<S extends z.ZodType>(schema: S, input: unknown, send: (valid: z.output<S>) => Promise<void>): Promise<void> {
    const valid = check(schema, input);
    if (!valid) return;
    busy.value = true;
    try {
      await send(valid);
    } catch (err) {
      fromError(err);
    } finally {
      busy.value = false;
    }
  }

  return { fields, failure, busy, status, submitWith };
}
