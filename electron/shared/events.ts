// Events pushed from the engine to every UI (IPC or WebSocket).
import type { ClusterDelta } from './cluster-delta';
import type { CheckResult, HostView, LogLine } from './model';
import type { TunnelSample } from './lessons';

export interface EventMap {
  /** The inventory changed (added, removed, edited). */
  'hosts:changed': { hosts: HostView[] };
  /** One host's connection status, transport or pending host key changed. */
  'hosts:status': { host: HostView };
  /** What changed in the cluster model, numbered by seq (a whole model on subscribe; a client that sees a gap in seq asks cluster:model). */
  'cluster:changed': ClusterDelta;
  /** New lines of a followed service log (batched). */
  'logs:lines': { streamId: string; lines: LogLine[] };
  /** Output of an open console (terminal bytes as UTF-8 text). */
  'console:output': { consoleId: string; data: string };
  /** An open console ended. */
  'console:exit': { consoleId: string; message: string };
  /** One round of a repeating check (or why it could not run). */
  'checks:result': { watchId: string; result?: CheckResult; error?: { message: string; hint?: string } };
  /** One finished pair of a checks:matrix called with a matrixId (done of total so far). */
  'checks:matrixProgress': { matrixId: string; done: number; total: number; result: CheckResult };
  /** One second of a tunnel watch on one node: the overlay's VXLAN counters there. */
  'lessons:tunnelSample': TunnelSample;
  /** Progress of a multi-host operation, host by host. */
  'operation:progress': { operation: string; hostId: string; phase: 'preflight' | 'working' | 'done' | 'failed'; message: string };
}

export type EventName = keyof EventMap;
export interface AppEvent<E extends EventName = EventName> {
  name: E;
  payload: EventMap[E];
}
export type EventSink = <E extends EventName>(name: E, payload: EventMap[E]) => void;
