// The one API contract. Every call from the UI is a key here, with a zod schema for its input
// and a type for its result; IPC handlers, the preload, the HTTP/WS server and the renderer's
// client are all derived from this map, so a signature is written once.
import type { z } from 'zod';
import type { HostView, ProbeResult } from './model';
import { byId, hostAddInput, noInput } from './schemas';

export interface MethodSpec<I extends z.ZodType, O> {
  input: I;
  summary: string;
  /** Phantom: carries the result type; never set at run time. */
  readonly __output?: O;
}

function method<I extends z.ZodType>(input: I, summary: string) {
  return { returns: <O>(): MethodSpec<I, O> => ({ input, summary }) };
}

export const contract = {
  'hosts:list': method(noInput, 'Every host in the inventory with its live status and last probe.').returns<HostView[]>(),
  'hosts:add': method(hostAddInput, 'Adds a host to the inventory (nothing remote happens yet).').returns<HostView>(),
  'hosts:remove': method(byId, 'Removes a host from the inventory and closes its connection.').returns<{ removed: true }>(),
  'hosts:probe': method(
    byId,
    "Connects to the host over SSH and reports its Docker engine's version, OS, node hostname and swarm state.",
  ).returns<ProbeResult>(),
} as const;

export type Contract = typeof contract;
export type Method = keyof Contract;
/** What a caller passes (defaults may be left out). */
export type Input<M extends Method> = z.input<Contract[M]['input']>;
/** What a handler receives: validated, with defaults applied. */
export type ParsedInput<M extends Method> = z.output<Contract[M]['input']>;
export type Output<M extends Method> = Contract[M] extends MethodSpec<z.ZodType, infer O> ? O : never;

export const METHODS = Object.keys(contract) as Method[];

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** What the engine implements: one async function per method. */
export type Handlers = { [M in Method]: (input: ParsedInput<M>) => Promise<Output<M>> };
