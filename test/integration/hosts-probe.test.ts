// The walking skeleton end to end under Node: add each lab host to the engine and probe it
// over real SSH; the docker CLI on the host is the independent witness.
import { execFileSync } from 'node:child_process';
import { readFile, copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/engine';
import type { AppEvent } from '../../electron/shared/events';
import { createDispatch, type Dispatch } from '../../electron/shared/dispatch';
import { labHosts, sshRun } from '../support/lab';
import { tempDir } from '../support/temp-dir';

let engine: Engine;
let call: Dispatch;
let dir: string;
let cleanup: () => Promise<void>;
const events: AppEvent[] = [];

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  engine = await createEngine({ configDir: dir, emit: (name, payload) => events.push({ name, payload } as AppEvent) });
  call = createDispatch(engine.handlers);
});
afterAll(async () => {
  engine.dispose();
  await cleanup();
});

async function ok<T>(p: Promise<{ ok: boolean; result?: unknown; error?: unknown }>): Promise<T> {
  const res = await p;
  if (!res.ok) throw new Error(JSON.stringify(res.error));
  return res.result as T;
}

describe('hosts:add + hosts:probe over real SSH', () => {
  it('probes every lab host and reports its own engine', async () => {
    for (const h of await labHosts()) {
      const host = await ok<{ id: string }>(call('hosts:add', { name: h.name, address: h.address, port: h.port, user: h.user, auth: { kind: 'key', keyPath: h.keyPath } }));
      const probe = await ok<{ hostname: string; engineVersion: string; apiVersion: string; swarm: { state: string }; osType: string }>(call('hosts:probe', { id: host.id }));
      const [version, apiVersion] = (await sshRun(h, ['docker', 'version', '--format', "'{{.Server.Version}} {{.Server.APIVersion}}'"])).split(' ');
      expect(probe.hostname).toBe(h.name);
      expect(probe.engineVersion).toBe(version);
      expect(probe.apiVersion).toBe(apiVersion);
      expect(probe.osType).toBe('linux');
      expect(probe.swarm.state).toBe((await sshRun(h, ['docker', 'info', '--format', '{{.Swarm.LocalNodeState}}'])));
    }
    const statuses = events.filter((e) => e.name === 'hosts:status').map((e) => (e.payload as { status: string }).status);
    expect(statuses.filter((s) => s === 'connected')).toHaveLength(3);
  });

  it('records each host key with the fingerprint the host really has', async () => {
    const known = await readFile(path.join(dir, 'known_hosts'), 'utf8');
    for (const h of await labHosts()) {
      const line = known.split('\n').find((l) => l.startsWith(`${h.address} `));
      expect(line).toBeTruthy();
      const pubFile = path.join(dir, `${h.name}.pub`);
      await writeFile(pubFile, `${line!.split(' ').slice(1).join(' ')}\n`);
      const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubFile], { encoding: 'utf8' }).split(' ')[1];
      expect(fp).toBe(h.hostKeyFingerprint);
    }
  });

  it('reuses the one connection for later calls', async () => {
    const list = await ok<{ id: string; name: string }[]>(call('hosts:list', {}));
    const connectedBefore = events.filter((e) => e.name === 'hosts:status' && (e.payload as { status: string }).status === 'connecting').length;
    for (let i = 0; i < 5; i++) await ok(call('hosts:probe', { id: list[0].id }));
    const connectedAfter = events.filter((e) => e.name === 'hosts:status' && (e.payload as { status: string }).status === 'connecting').length;
    expect(connectedAfter).toBe(connectedBefore);
  });

  it('says the key was refused, with a next step, when the key is wrong', async () => {
    const [h] = await labHosts();
    const wrongKey = path.join(dir, 'wrong_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrongKey]);
    const host = await ok<{ id: string }>(call('hosts:add', { name: 'wrong-key', address: h.address, auth: { kind: 'key', keyPath: wrongKey } }));
    const res = await call('hosts:probe', { id: host.id });
    expect(res).toMatchObject({ ok: false, error: { code: 'auth-failed' } });
    if (!res.ok) expect(res.error.hint).toMatch(/authorized_keys/);
  });

  it('says a missing key file is missing', async () => {
    const host = await ok<{ id: string }>(call('hosts:add', { name: 'no-key', address: '172.31.250.11', auth: { kind: 'key', keyPath: path.join(dir, 'nope') } }));
    expect(await call('hosts:probe', { id: host.id })).toMatchObject({ ok: false, error: { code: 'auth-failed', field: 'auth.keyPath' } });
  });

  it('reports an address where nothing listens as unreachable', async () => {
    const [h] = await labHosts();
    await copyFile(h.keyPath, path.join(dir, 'k'));
    const host = await ok<{ id: string }>(call('hosts:add', { name: 'closed-port', address: h.address, port: 2999, auth: { kind: 'key', keyPath: path.join(dir, 'k') } }));
    const res = await call('hosts:probe', { id: host.id });
    expect(res).toMatchObject({ ok: false, error: { code: 'unreachable' } });
    if (!res.ok) expect(res.error.message).toContain('2999');
  });

  it('removes a host and closes its connection', async () => {
    const list = await ok<{ id: string; name: string }[]>(call('hosts:list', {}));
    await ok(call('hosts:remove', { id: list[0].id }));
    expect(await call('hosts:probe', { id: list[0].id })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
