// The single path every call takes, whichever transport carried it: check the method name,
// validate the input, run the handler, and wrap the outcome in an envelope.
import { toWireError, type Envelope } from './errors';
import type { Handlers } from './contract';
import { assertMethod, validateInput } from './validate';

export type Dispatch = (method: unknown, input: unknown) => Promise<Envelope<unknown>>;

export function createDispatch(handlers: Handlers, onError: (method: string, err: unknown) => void = () => {}): Dispatch {
  return async (methodName, raw) => {
    try {
      const method = assertMethod(methodName);
      const input = validateInput(method, raw);
      const handler = handlers[method] as (i: unknown) => Promise<unknown>;
      return { ok: true, result: await handler(input) };
    } catch (err) {
      onError(String(methodName), err);
      return { ok: false, error: toWireError(err) };
    }
  };
}
