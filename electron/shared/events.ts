// Events pushed from the engine to every UI (IPC or WebSocket).
import type { HostStatus, HostView } from './model';

export interface EventMap {
  /** The inventory changed (added, removed, edited). */
  'hosts:changed': { hosts: HostView[] };
  /** A host's connection status changed. */
  'hosts:status': { id: string; status: HostStatus; detail?: string };
}

export type EventName = keyof EventMap;
export interface AppEvent<E extends EventName = EventName> {
  name: E;
  payload: EventMap[E];
}
export type EventSink = <E extends EventName>(name: E, payload: EventMap[E]) => void;
