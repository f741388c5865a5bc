// Rolling updates, derived from the model itself: a task runs the current spec when swarm
// created it after the last update (or rollback) started — the spec changes first, then every
// task created from then on uses it. The same answer as the engine's `_up-to-date` task filter
// that the CLI's progress bars use (an integration test compares them). Applied wherever a
// whole model is built (the engine's cache and the UI's delta-built copy), so both agree.
import type { ServiceView, TaskView } from './model';

const TERMINAL = new Set(['complete', 'shutdown', 'failed', 'rejected', 'orphaned', 'remove']);

export function isUpToDate(task: Pick<TaskView, 'createdAt'>, service: Pick<ServiceView, 'update'> | undefined): boolean {
  const started = service?.update?.startedAt;
  if (!started || !task.createdAt) return true;
  return Date.parse(task.createdAt) >= Date.parse(started);
}

/**
 * Fills in each updating service's progress (running tasks on the current spec, out of those
 * that should run) and marks each of its tasks `upToDate` or not. Only services with an update
 * and their tasks become new objects; the rest are passed through as they are (no mark: current).
 */
export function deriveRollout(services: ServiceView[], tasks: TaskView[]): { services: ServiceView[]; tasks: TaskView[] } {
  const rolling = new Map(services.filter((s) => s.update).map((s) => [s.id, s]));
  if (!rolling.size) return { services, tasks };
  const counts = new Map<string, { updated: number; live: number }>();
  const outTasks = tasks.map((t) => {
    const s = rolling.get(t.serviceId);
    if (!s) return t;
    const upToDate = isUpToDate(t, s);
    const c = counts.get(s.id) ?? { updated: 0, live: 0 };
    if (!TERMINAL.has(t.desiredState)) {
      c.live += 1;
      if (t.state === 'running' && upToDate) c.updated += 1;
    }
    counts.set(s.id, c);
    return t.upToDate === upToDate ? t : { ...t, upToDate };
  });
  const outServices = services.map((s) => {
    if (!s.update) return s;
    const c = counts.get(s.id) ?? { updated: 0, live: 0 };
    return { ...s, update: { ...s.update, updated: c.updated, total: s.mode === 'replicated' ? (s.replicas ?? 0) : c.live } };
  });
  return { services: outServices, tasks: outTasks };
}
