// What the checks need to explain a cluster, read per object by the typed adapters: a service's
// UpdateStatus and placement, a task's history fields, a node's resources. Cross-object figures
// (which tasks run the current spec, how far an update got) are derived from the model itself
// (electron/shared/rollout.ts), so the engine's model and the UI's delta-built copy agree.
import type { ServiceUpdateView, ServiceView, SwarmNodeView, TaskView } from '../../shared/model';
import type { EngineTask, Node, Service } from '../docker/engine-api';

const STATES: ServiceUpdateView['state'][] = ['updating', 'paused', 'completed', 'rollback_started', 'rollback_paused', 'rollback_completed'];

/** The service's last update (or rollback) as swarm reports it; progress is filled in by deriveRollout. */
export function serviceUpdate(s: Service): ServiceUpdateView | undefined {
  const u = s.UpdateStatus;
  const state = u?.State as ServiceUpdateView['state'] | undefined;
  if (!u || !state || !STATES.includes(state)) return undefined;
  return { state, startedAt: u.StartedAt, completedAt: u.CompletedAt, message: u.Message, updated: 0, total: 0, canRollback: Boolean(s.PreviousSpec) };
}

/** Constraints, reservations, host-mode ports and update status: what explains tasks that never run or roll. */
export function serviceDiagnosisFields(s: Service): Partial<ServiceView> {
  const template = s.Spec?.TaskTemplate;
  const constraints = template?.Placement?.Constraints ?? [];
  const r = template?.Resources?.Reservations ?? {};
  const hostPorts = (s.Endpoint?.Ports ?? s.Spec?.EndpointSpec?.Ports ?? []).filter((p) => p.PublishMode === 'host' && p.PublishedPort).map((p) => Number(p.PublishedPort));
  const update = serviceUpdate(s);
  return {
    ...(hostPorts.length ? { hostPorts } : {}),
    ...(constraints.length ? { constraints } : {}),
    ...(r.NanoCPUs || r.MemoryBytes ? { reservations: { nanoCpus: r.NanoCPUs || undefined, memoryBytes: r.MemoryBytes || undefined } } : {}),
    ...(update ? { update } : {}),
  };
}

/** When the task was created and last changed, the container's exit code and the image, as `docker service ps --no-trunc` shows. */
export function taskHistoryFields(t: EngineTask): Partial<TaskView> {
  const exit = t.Status?.ContainerStatus?.ExitCode;
  const image = String(t.Spec?.ContainerSpec?.Image ?? '').replace(/@sha256:.*$/, '');
  return {
    ...(t.CreatedAt ? { createdAt: t.CreatedAt } : {}),
    ...(t.Status?.Timestamp ? { timestamp: t.Status.Timestamp } : {}),
    ...(typeof exit === 'number' && t.Status?.ContainerStatus?.ContainerID ? { exitCode: exit } : {}),
    ...(image ? { image } : {}),
  };
}

/** What the node offers the scheduler. */
export function nodeResources(n: Node): Partial<SwarmNodeView> {
  const r = n.Description?.Resources;
  return r ? { resources: { nanoCpus: Number(r.NanoCPUs ?? 0), memoryBytes: Number(r.MemoryBytes ?? 0) } } : {};
}
