// An engine under Node for integration tests: its own config folder, every event recorded,
// and helpers to add lab hosts the way a user does (add, compare the fingerprint, trust).
import { createEngine, type Engine, type EngineOptions } from '../../electron/engine/engine';
import { createDispatch } from '../../electron/shared/dispatch';
import type { Input, Method, Output } from '../../electron/shared/contract';
import type { WireError } from '../../electron/shared/errors';
import type { AppEvent } from '../../electron/shared/events';
import type { HostStatus, HostView } from '../../electron/shared/model';
import type { LabHostEnv } from '../lab/lab';
import { labHosts, leaveSwarmEverywhere } from './lab';
import { tempDir } from './temp-dir';
import { waitFor } from './wait';

export interface TestEngine {
  engine: Engine;
  dir: string;
  events: AppEvent[];
  /** Calls a method; resolves with the result or rejects with the wire error as an Error. */
  call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>>;
  /** Calls a method expecting failure; resolves with the wire error. */
  fail<M extends Method>(method: M, input: Input<M>): Promise<WireError>;
  waitForStatus(id: string, statuses: HostStatus[], timeoutMs?: number): Promise<HostView>;
  /** Adds a lab host and trusts its key after comparing it with the lab's own fingerprint. */
  addLabHost(h: LabHostEnv, overrides?: Partial<Input<'hosts:add'>>): Promise<HostView>;
  stop(): Promise<void>;
}

export async function startTestEngine(opts: Partial<EngineOptions> = {}): Promise<TestEngine> {
  const { dir, cleanup } = await tempDir();
  const events: AppEvent[] = [];
  const engine = await createEngine({ configDir: dir, userKnownHosts: [], systemKnownHosts: [], sshConfigPath: `${dir}/no-ssh-config`, dockerConfigDir: `${dir}/no-docker`, emit: (name, payload) => events.push({ name, payload } as AppEvent), ...opts });
  const dispatch = createDispatch(engine.handlers);

  const call = async <M extends Method>(method: M, input: Input<M>) => {
    const res = await dispatch(method, input);
    if (!res.ok) throw Object.assign(new Error(`${method}: ${res.error.code}: ${res.error.message}`), { wire: res.error });
    return res.result as Output<M>;
  };
  const fail = async <M extends Method>(method: M, input: Input<M>) => {
    const res = await dispatch(method, input);
    if (res.ok) throw new Error(`${method} succeeded but was expected to fail`);
    return res.error;
  };
  const waitForStatus = async (id: string, statuses: HostStatus[], timeoutMs = 15_000) =>
    (await waitFor(
      `host ${id} to be ${statuses.join('|')}`,
      async () => (await call('hosts:list', {})).find((h) => h.id === id),
      (host) => host !== undefined && statuses.includes(host.status),
      { timeoutMs, everyMs: 25, show: (host) => (host ? `${host.name} ${host.status} (${host.statusDetail ?? ''})` : 'not listed') },
    ))!;
  const addLabHost = async (h: LabHostEnv, overrides: Partial<Input<'hosts:add'>> = {}) => {
    const added = await call('hosts:add', { name: h.name, address: h.address, port: h.port, user: h.user, auth: { kind: 'key', keyPath: h.keyPath }, ...overrides });
    const pending = await waitForStatus(added.id, ['host-key-unknown', 'connected']);
    if (pending.status === 'host-key-unknown') {
      if (pending.hostKey?.fingerprint !== h.hostKeyFingerprint) throw new Error(`${h.name} presented ${pending.hostKey?.fingerprint}, the lab says ${h.hostKeyFingerprint}`);
      await call('hosts:trust', { id: added.id, fingerprint: h.hostKeyFingerprint });
    }
    return waitForStatus(added.id, ['connected']);
  };
  return {
    engine,
    dir,
    events,
    call,
    fail,
    waitForStatus,
    addLabHost,
    async stop() {
      engine.dispose();
      await cleanup();
    },
  };
}

/**
 * The usual start of a lab test: no lab host in a swarm, an engine with every lab host added and
 * its key trusted; with `swarm`, h1 the manager and the others joined as workers.
 */
export async function engineOnLab(opts: { swarm?: boolean } = {}): Promise<{ t: TestEngine; lab: LabHostEnv[]; views: HostView[] }> {
  const lab = await labHosts();
  await leaveSwarmEverywhere(lab);
  const t = await startTestEngine();
  const views: HostView[] = [];
  for (const h of lab) views.push(await t.addLabHost(h));
  if (opts.swarm) {
    await t.call('swarm:init', { id: views[0].id, advertiseAddr: lab[0].address });
    const { results } = await t.call('swarm:join', { managerId: views[0].id, joins: views.slice(1).map((v) => ({ id: v.id, role: 'worker' as const })) });
    const failed = results.filter((r) => r.outcome !== 'joined');
    if (failed.length) throw new Error(`joins failed: ${failed.map((f) => `${f.name}: ${f.message}`).join('; ')}`);
  }
  return { t, lab, views };
}
