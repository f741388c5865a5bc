// dockerode's resource objects (service, network, secret, config) as promises, untyped. The stack
// and swarm-object code predates the typed Engine API adapters (docker/engine-api.ts,
// docker/engine-writes.ts) and still reads the engine's JSON loosely through this one door;
// moving it onto the adapters removes this file.
export function promised<T extends object>(resource: T): { update(o: object): Promise<unknown>; remove(o?: object): Promise<unknown>; inspect(o?: object): Promise<any> } { // eslint-disable-line @typescript-eslint/no-explicit-any
  return resource as never;
}
