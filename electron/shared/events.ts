// Events pushed from the engine to every UI (IPC or WebSocket).
import type { HostView } from './model';

export interface EventMap {
  /** The inventory changed (added, removed, edited). */
  'hosts:changed': { hosts: HostView[] };
  /** One host's connection status, transport or pending host key changed. */
  'hosts:status': { host: HostView };
}

export type EventName = keyof EventMap;
export interface AppEvent<E extends EventName = EventName> {
  name: E;
  payload: EventMap[E];
}
export type EventSink = <E extends EventName>(name: E, payload: EventMap[E]) => void;
