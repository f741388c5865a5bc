// The renderer's one way to the engine (the preload's Bridge) played by the test, so the
// renderer's stores run as logic in Node: calls answered by handlers the test sets, events
// pushed when the test says. Installed as window.archipelago before a store module loads.
import { BRIDGE_KEY, type Bridge } from '../../electron/shared/bridge';
import type { Input, Method, Output } from '../../electron/shared/contract';
import { ApiError, type Envelope } from '../../electron/shared/errors';
import type { AppEvent, EventMap, EventName } from '../../electron/shared/events';

type Handler<M extends Method> = (input: Input<M>) => Output<M> | Promise<Output<M>>;

export class FakeBridge implements Bridge {
  readonly calls: { method: Method; input: unknown }[] = [];
  private readonly handlers = new Map<Method, (input: unknown) => unknown>();
  private readonly listeners = new Set<(event: AppEvent) => void>();

  answer<M extends Method>(method: M, handler: Handler<M>): this {
    this.handlers.set(method, handler as (input: unknown) => unknown);
    return this;
  }

  async invoke(method: Method, input: unknown): Promise<Envelope<unknown>> {
    this.calls.push({ method, input });
    const handler = this.handlers.get(method);
    if (!handler) return { ok: false, error: { code: 'internal', message: `the test did not expect a call to ${method}` } };
    try {
      return { ok: true, result: await handler(input) };
    } catch (err) {
      return { ok: false, error: err instanceof ApiError ? err.toWire() : { code: 'internal', message: String(err) } };
    }
  }

  onEvent(listener: (event: AppEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: EventMap[E]): void {
    for (const l of this.listeners) l({ name, payload } as AppEvent);
  }

  /** Forgets handlers, calls and listeners (stores made for an earlier test stop hearing events). */
  reset(): void {
    this.calls.length = 0;
    this.handlers.clear();
    this.listeners.clear();
  }

  callsOf(method: Method): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.input);
  }
}

/** Puts a fake bridge where the preload would, before the renderer's API client is imported. */
export function installFakeBridge(): FakeBridge {
  const bridge = new FakeBridge();
  (globalThis as Record<string, unknown>).window = { [BRIDGE_KEY]: bridge };
  return bridge;
}
