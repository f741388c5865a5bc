// Rolling updates and task history, added to the model the snapshot builds: each service's
// UpdateStatus with its progress, and each task's times, message, exit code and whether it runs
// the current spec. Pure, over the engine's JSON, so it survives changes to how that is read.
import type { ClusterModel, ServiceUpdateView, ServiceView, TaskView } from '../../shared/model';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const STATES: ServiceUpdateView['state'][] = ['updating', 'paused', 'completed', 'rollback_started', 'rollback_paused', 'rollback_completed'];
const TERMINAL = new Set(['complete', 'shutdown', 'failed', 'rejected', 'orphaned', 'remove']);

/**
 * A task is on the current spec when swarm created it after the last update (or rollback)
 * started: the spec changes first, then every task created from then on uses it. The same
 * answer as the engine's `_up-to-date` task filter, which the CLI's progress bars use (the
 * integration test compares them), without a second task listing per read.
 */
export function isUpToDate(task: Any, service: Any | undefined): boolean {
  const started = service?.UpdateStatus?.StartedAt;
  if (!started || !task?.CreatedAt) return true;
  return Date.parse(task.CreatedAt) >= Date.parse(started);
}

export function taskHistoryFields(t: Any, service: Any | undefined): Partial<TaskView> {
  const exit = t.Status?.ContainerStatus?.ExitCode;
  return {
    createdAt: t.CreatedAt,
    timestamp: t.Status?.Timestamp,
    message: t.Status?.Message || undefined,
    exitCode: typeof exit === 'number' && t.Status?.ContainerStatus?.ContainerID ? exit : undefined,
    image: String(t.Spec?.ContainerSpec?.Image ?? '').replace(/@sha256:.*$/, '') || undefined,
    upToDate: isUpToDate(t, service),
  };
}

export function serviceUpdate(s: Any, tasks: Any[]): ServiceUpdateView | undefined {
  const u = s.UpdateStatus;
  if (!u || !STATES.includes(u.State)) return undefined;
  const mine = tasks.filter((t) => t.ServiceID === s.ID && !TERMINAL.has(t.DesiredState));
  const total = s.Spec?.Mode?.Replicated ? Number(s.Spec.Mode.Replicated.Replicas ?? 0) : mine.length;
  const updated = mine.filter((t) => t.Status?.State === 'running' && isUpToDate(t, s)).length;
  return { state: u.State, startedAt: u.StartedAt, completedAt: u.CompletedAt, message: u.Message, updated, total, canRollback: Boolean(s.PreviousSpec) };
}

function placement(s: Any): Partial<ServiceView> {
  const constraints = (s.Spec?.TaskTemplate?.Placement?.Constraints ?? []) as string[];
  const r = s.Spec?.TaskTemplate?.Resources?.Reservations ?? {};
  const vips = ((s.Endpoint?.VirtualIPs ?? []) as Any[]).filter((v) => v.Addr).map((v) => ({ networkId: String(v.NetworkID), address: String(v.Addr) }));
  const hostPorts = ((s.Endpoint?.Ports ?? s.Spec?.EndpointSpec?.Ports ?? []) as Any[]).filter((p) => p.PublishMode === 'host' && p.PublishedPort).map((p) => Number(p.PublishedPort));
  return {
    ...(vips.length ? { vips } : {}),
    ...(hostPorts.length ? { hostPorts } : {}),
    ...(constraints.length ? { constraints } : {}),
    ...(r.NanoCPUs || r.MemoryBytes ? { reservations: { nanoCpus: r.NanoCPUs || undefined, memoryBytes: r.MemoryBytes || undefined } } : {}),
  };
}

/**
 * Adds what the checks need to explain a cluster to a model read from the engine's JSON: update
 * progress, placement, VIPs, host-mode ports, task history, and what each node offers.
 */
export function addDiagnosisFields(model: ClusterModel, raw: { services: Any[]; tasks: Any[]; nodes: Any[] }): void {
  applyUpdateStatus(model, raw.services, raw.tasks);
  const nodes = new Map(raw.nodes.map((n) => [n.ID as string, n]));
  model.nodes = model.nodes.map((v) => {
    const r = nodes.get(v.id)?.Description?.Resources;
    return r ? { ...v, resources: { nanoCpus: Number(r.NanoCPUs ?? 0), memoryBytes: Number(r.MemoryBytes ?? 0) } } : v;
  });
}

/** Adds update progress, placement and task history to a model read from `services` and `tasks`. */
export function applyUpdateStatus(model: ClusterModel, services: Any[], tasks: Any[]): void {
  const raw = new Map(services.map((s) => [s.ID as string, s]));
  const rawTask = new Map(tasks.map((t) => [t.ID as string, t]));
  model.services = model.services.map((v) => {
    const s = raw.get(v.id);
    const update = s && serviceUpdate(s, tasks);
    return s ? { ...v, ...placement(s), ...(update ? { update } : {}) } : v;
  });
  model.tasks = model.tasks.map((v) => {
    const t = rawTask.get(v.id);
    return t ? { ...v, ...taskHistoryFields(t, raw.get(v.serviceId)) } : v;
  });
}
