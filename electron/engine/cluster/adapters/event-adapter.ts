// Engine API event → what it touched. An event names its object (Type, Action, Actor.ID and its
// attributes), so the model re-reads that object, not the world.
import type { EventMessage } from '../../docker/engine-api';

export type Touched =
  /** A container on this host changed; a task's container also says its service and task. */
  | { kind: 'container'; id: string; serviceId?: string; taskId?: string; nodeId?: string; action: string }
  | { kind: 'service'; id: string; action: string }
  | { kind: 'node'; id: string; action: string }
  | { kind: 'network'; id: string; action: string }
  /** The engine itself (its configuration, labels): re-read its info. */
  | { kind: 'daemon' };

/**
 * Container actions that change what the model shows of a container (exec_*, attach, top… do
 * not). Not `kill`: it is only a signal sent, and `die` follows when the process exits. Reading
 * the container on `kill` also delayed that `die`: the read's answer, unacknowledged by our
 * side for a moment, made sshd hold the small `die` packet back (measured on the lab: `die`
 * reached the engine +13 to +21 ms after its time with the read, +0 to +1 ms without).
 */
const CONTAINER_ACTIONS = new Set(['create', 'start', 'restart', 'die', 'stop', 'pause', 'unpause', 'rename', 'update', 'destroy', 'oom']);

export function parseEvent(line: string): EventMessage | null {
  const text = line.trim();
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as EventMessage) : null;
  } catch {
    return null;
  }
}

export function touched(e: EventMessage): Touched | null {
  const id = e.Actor?.ID ?? '';
  const action = e.Action ?? '';
  const attrs = e.Actor?.Attributes ?? {};
  switch (e.Type) {
    case 'container':
      if (!id || !CONTAINER_ACTIONS.has(action)) return null;
      return { kind: 'container', id, action, serviceId: attrs['com.docker.swarm.service.id'], taskId: attrs['com.docker.swarm.task.id'], nodeId: attrs['com.docker.swarm.node.id'] };
    case 'service':
      return id ? { kind: 'service', id, action } : null;
    case 'node':
      return id ? { kind: 'node', id, action } : null;
    case 'network':
      // A node instantiating an overlay or a container joining one is local news: the swarm's
      // networks change only through swarm-scoped events, sent by managers.
      return id && e.scope === 'swarm' ? { kind: 'network', id, action } : null;
    case 'daemon':
      return { kind: 'daemon' };
    default:
      return null;
  }
}

/** The task state a container event implies once the manager has heard of it. */
export function impliedTaskState(action: string): 'running' | 'stopped' | undefined {
  if (action === 'start' || action === 'restart' || action === 'unpause') return 'running';
  if (action === 'die' || action === 'destroy' || action === 'stop' || action === 'oom') return 'stopped';
  return undefined;
}

/**
 * What a container event says the container's own state now is. dockerd sends `die` before its
 * container list shows the stop (see ClusterWatcher.containerEvent). A `kill` is only a signal
 * sent: it implies nothing.
 */
export function impliedContainerState(action: string): 'running' | 'stopped' | 'gone' | undefined {
  if (action === 'start' || action === 'restart' || action === 'unpause') return 'running';
  if (action === 'die' || action === 'stop' || action === 'oom') return 'stopped';
  if (action === 'destroy') return 'gone';
  return undefined;
}
