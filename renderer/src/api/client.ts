// The renderer's only way to the engine: typed calls derived from the contract, over IPC in
// Electron (when the preload's object exists) or HTTP/WebSocket in a browser.
import { BRIDGE_KEY, type Bridge } from '../../../electron/shared/bridge';
import type { Input, Method, Output } from '../../../electron/shared/contract';
import { ApiError } from '../../../electron/shared/errors';
import type { EventMap, EventName } from '../../../electron/shared/events';
import { createHttpTransport } from './http-transport';

export class ApiClient {
  constructor(
    private readonly transport: Bridge,
    readonly mode: 'electron' | 'browser',
  ) {}

  async call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>> {
    const envelope = await this.transport.invoke(method, input);
    if (!envelope.ok) throw ApiError.fromWire(envelope.error);
    return envelope.result as Output<M>;
  }

  on<E extends EventName>(name: E, listener: (payload: EventMap[E]) => void): () => void {
    return this.transport.onEvent((event) => {
      if (event.name === name) listener(event.payload as EventMap[E]);
    });
  }
}

export function createApiClient(): ApiClient {
  const bridge = (window as unknown as Record<string, Bridge | undefined>)[BRIDGE_KEY];
  return bridge ? new ApiClient(bridge, 'electron') : new ApiClient(createHttpTransport(), 'browser');
}

export const api = createApiClient();
