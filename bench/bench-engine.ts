// The engine as the benchmarks use it: in this process, its own config folder, the lab's host
// keys trusted from the lab's files, every lab host added and connected before timing starts.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEngine, type Engine } from '../electron/engine/engine';
import { createDispatch } from '../electron/shared/dispatch';
import type { Method } from '../electron/shared/contract';
import type { EventSink } from '../electron/shared/events';
import type { LabHostEnv } from '../test/lab/lab';
import { trustedKnownHosts } from './transport-clients';

export type BenchCall = <T = unknown>(method: Method, input: unknown) => Promise<T>;

export async function benchEngine(name: string, hosts: LabHostEnv[], emit: EventSink = () => {}): Promise<{ engine: Engine; call: BenchCall; ids: string[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), `bench-${name}-`));
  await trustedKnownHosts(dir, hosts);
  const engine = await createEngine({ configDir: dir, emit, userKnownHosts: [] });
  const dispatch = createDispatch(engine.handlers);
  const call: BenchCall = async <T>(method: Method, input: unknown) => {
    const res = await dispatch(method, input);
    if (!res.ok) throw new Error(`${method}: ${res.error.message}`);
    return res.result as T;
  };
  const ids: string[] = [];
  for (const h of hosts) ids.push((await call<{ id: string }>('hosts:add', { name: h.name, address: h.address, auth: { kind: 'key', keyPath: h.keyPath } })).id);
  for (const id of ids) await engine.hosts.sessionById(id).connection();
  return { engine, call, ids };
}

/** The first host initialises the swarm, the others join as workers. */
export async function formSwarm(call: BenchCall, ids: string[], hosts: LabHostEnv[]): Promise<void> {
  await call('swarm:init', { id: ids[0], advertiseAddr: hosts[0].address });
  await call('swarm:join', { managerId: ids[0], joins: ids.slice(1).map((id) => ({ id, role: 'worker' })) });
}
