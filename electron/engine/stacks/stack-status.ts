// How a stack's services are doing: running against desired tasks, and when they are not all
// running, why (the newest task error or scheduler message, e.g. "no suitable node
// (scheduling constraints not satisfied on 3 nodes)").
import type { StackServiceStatus } from '../../shared/stacks';
import type { EngineTask, Service } from '../docker/engine-api';

const FAILED_STATES = new Set<string | undefined>(['failed', 'rejected', 'orphaned']);

export function desiredTasks(service: Service, tasks: EngineTask[]): number {
  if (service.Spec?.Mode?.Replicated) return service.Spec.Mode.Replicated.Replicas ?? 1;
  // Global: the orchestrator makes one task per eligible node; those it wants running are the count.
  return tasks.filter((t) => t.DesiredState === 'running').length;
}

export function serviceStatus(service: Service, allTasks: EngineTask[], stack: string): StackServiceStatus {
  const name = service.Spec?.Name as string;
  const tasks = allTasks.filter((t) => t.ServiceID === service.ID);
  const desired = desiredTasks(service, tasks);
  const running = tasks.filter((t) => t.DesiredState === 'running' && t.Status?.State === 'running').length;
  const updateState = service.UpdateStatus?.State as string | undefined;
  const newest = [...tasks].sort((a, b) => String(b.Status?.Timestamp ?? b.UpdatedAt).localeCompare(String(a.Status?.Timestamp ?? a.UpdatedAt)));
  // Only what happened since the service last changed: older failures are history.
  const since = Date.parse(service.UpdatedAt ?? '') || 0;
  const troubled = newest.find((t) => (Date.parse(t.Status?.Timestamp ?? '') || 0) >= since && (FAILED_STATES.has(t.Status?.State) || (t.DesiredState === 'running' && t.Status?.Err)));
  const rolling = updateState === 'updating' || updateState === 'rollback_started';
  const failedUpdate = updateState === 'paused' || updateState === 'rollback_paused';
  const shortName = name.startsWith(`${stack}_`) ? name.slice(stack.length + 1) : name;
  const base = { name, shortName, desired, running, ...(updateState ? { updateState } : {}) };
  if (running >= desired && !rolling && !failedUpdate && !tasks.some((t) => t.DesiredState === 'running' && t.Status?.State !== 'running')) return { ...base, state: 'converged' };
  if (troubled || failedUpdate) {
    const t = troubled;
    const reason = t ? [t.Status?.Err, t.Status?.Message].filter(Boolean).join(' — ') || t.Status?.State : service.UpdateStatus?.Message;
    return { ...base, state: 'failing', reason: t ? `${t.Status?.State}: ${reason}` : reason };
  }
  const pending = newest.find((t) => t.DesiredState === 'running' && t.Status?.State !== 'running');
  return { ...base, state: 'progressing', ...(pending ? { reason: `${pending.Status?.State}: ${pending.Status?.Message ?? ''}`.trim() } : {}) };
}
