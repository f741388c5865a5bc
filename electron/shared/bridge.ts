// The one object the preload exposes to the page (as window.archipelago), and its IPC channels.
import type { Envelope } from './errors';
import type { Method } from './contract';
import type { AppEvent } from './events';

export const BRIDGE_KEY = 'archipelago';
export const EVENT_CHANNEL = 'archipelago:event';

export interface Bridge {
  invoke(method: Method, input: unknown): Promise<Envelope<unknown>>;
  onEvent(listener: (event: AppEvent) => void): () => void;
}
