// Fans engine events out to every listener (the Electron window, each WebSocket).
import type { AppEvent, EventMap, EventName, EventSink } from '../shared/events';

export class EventBus {
  private readonly listeners = new Set<(event: AppEvent) => void>();

  readonly emit: EventSink = <E extends EventName>(name: E, payload: EventMap[E]) => {
    for (const listener of this.listeners) {
      try {
        listener({ name, payload } as AppEvent);
      } catch {
        // one broken listener must not starve the others
      }
    }
  };

  subscribe(listener: (event: AppEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
