// The SSH layer end to end under Node: add lab hosts, trust their keys, probe them over real
// SSH; the docker CLI on each host is the independent witness.
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labHosts, sshRun } from '../support/lab';
import { startTestEngine, type TestEngine } from '../support/engine';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t.stop());

describe('hosts over real SSH', () => {
  it('stops at an unknown host key and shows its fingerprint, until the user trusts it', async () => {
    const [h] = await labHosts();
    const added = await t.call('hosts:add', { name: h.name, address: h.address, auth: { kind: 'key', keyPath: h.keyPath } });
    const pending = await t.waitForStatus(added.id, ['host-key-unknown']);
    expect(pending.hostKey).toMatchObject({ verdict: 'unknown', fingerprint: h.hostKeyFingerprint, keyType: 'ssh-ed25519', hop: 'host' });
    expect((await t.fail('hosts:probe', { id: added.id })).code).toBe('host-key-unknown');
    const wrong = await t.fail('hosts:trust', { id: added.id, fingerprint: `SHA256:${'A'.repeat(43)}` });
    expect(wrong.code).toBe('conflict');
    await t.call('hosts:trust', { id: added.id, fingerprint: h.hostKeyFingerprint });
    expect((await t.waitForStatus(added.id, ['connected'])).transport).toBe('ssh-streamlocal');
  });

  it('probes every lab host and reports its own engine', async () => {
    const hosts = await labHosts();
    for (const h of hosts.slice(1)) await t.addLabHost(h);
    const views = await t.call('hosts:list', {});
    for (const h of hosts) {
      const id = views.find((v) => v.name === h.name)!.id;
      const probe = await t.call('hosts:probe', { id });
      const [version, apiVersion] = (await sshRun(h, ['docker', 'version', '--format', "'{{.Server.Version}} {{.Server.APIVersion}}'"])).split(' ');
      expect(probe.hostname).toBe(h.name);
      expect(probe.engineVersion).toBe(version);
      expect(probe.apiVersion).toBe(apiVersion);
      expect(probe.transport).toBe('ssh-streamlocal');
      expect(probe.swarm.state).toBe(await sshRun(h, ['docker', 'info', '--format', '{{.Swarm.LocalNodeState}}']));
    }
  });

  it('records each trusted key in OpenSSH format with the fingerprint the host really has', async () => {
    const knownFile = path.join(t.dir, 'known_hosts');
    expect(await readFile(knownFile, 'utf8')).not.toContain((await labHosts())[0].address); // names are hashed
    for (const h of await labHosts()) {
      // ssh-keygen -F finds a name the way ssh does, hashed entries included.
      const line = execFileSync('ssh-keygen', ['-F', h.address, '-f', knownFile], { encoding: 'utf8' }).split('\n').find((l) => l && !l.startsWith('#'));
      const pubFile = path.join(t.dir, `${h.name}.pub`);
      await writeFile(pubFile, `${line!.split(' ').slice(1).join(' ')}\n`);
      expect(execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubFile], { encoding: 'utf8' }).split(' ')[1]).toBe(h.hostKeyFingerprint);
    }
  });

  it('reuses the one connection for later calls', async () => {
    const [first] = await t.call('hosts:list', {});
    const connecting = () => t.events.filter((e) => e.name === 'hosts:status' && 'host' in e.payload && e.payload.host.id === first.id && e.payload.host.status === 'connecting').length;
    const before = connecting();
    for (let i = 0; i < 5; i++) await t.call('hosts:probe', { id: first.id });
    expect(connecting()).toBe(before);
  });

  it('says the key was refused, with a next step, when the key is wrong', async () => {
    const [h] = await labHosts();
    const wrongKey = path.join(t.dir, 'wrong_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrongKey]);
    const host = await t.call('hosts:add', { name: 'wrong-key', address: h.address, auth: { kind: 'key', keyPath: wrongKey } });
    const view = await t.waitForStatus(host.id, ['auth-failed']);
    expect(view.statusHint).toMatch(/authorized_keys/);
    expect((await t.fail('hosts:probe', { id: host.id })).code).toBe('auth-failed');
  });

  it('says a missing key file is missing, naming the field', async () => {
    const host = await t.call('hosts:add', { name: 'no-key', address: (await labHosts())[0].address, auth: { kind: 'key', keyPath: path.join(t.dir, 'nope') } });
    expect(await t.fail('hosts:probe', { id: host.id })).toMatchObject({ code: 'auth-failed', field: 'auth.keyPath' });
  });

  it('reports a port where nothing listens as unreachable, step by step', async () => {
    const [h] = await labHosts();
    const host = await t.call('hosts:add', { name: 'closed-port', address: h.address, port: 2999, auth: { kind: 'key', keyPath: h.keyPath } });
    const test = await t.call('hosts:test', { id: host.id });
    expect(test.ok).toBe(false);
    expect(test.steps).toEqual([expect.objectContaining({ step: 'tcp', ok: false })]);
    expect(test.error?.message).toContain('2999');
    expect(test.error?.message).toContain('connection refused');
  });

  it('tests a good host step by step: TCP, SSH, auth, Docker', async () => {
    const [first] = await t.call('hosts:list', {});
    const test = await t.call('hosts:test', { id: first.id });
    expect(test.ok).toBe(true);
    expect(test.steps.map((s) => `${s.step}:${s.ok}`)).toEqual(['tcp:true', 'ssh:true', 'auth:true', 'docker:true']);
    expect(test.transport).toBe('ssh-streamlocal');
  });

  it('lets a second entry for the same host go on once the user trusted its key', async () => {
    const t2 = await startTestEngine();
    try {
      const [, , h3] = await labHosts();
      const add = (name: string) => t2.call('hosts:add', { name, address: h3.address, auth: { kind: 'key', keyPath: h3.keyPath } });
      const [a, b] = [await add('twin-a'), await add('twin-b')];
      await t2.waitForStatus(a.id, ['host-key-unknown']);
      await t2.waitForStatus(b.id, ['host-key-unknown']);
      await t2.call('hosts:trust', { id: a.id, fingerprint: h3.hostKeyFingerprint });
      await t2.waitForStatus(b.id, ['connected']);
    } finally {
      await t2.stop();
    }
  });

  it('removes a host and closes its connection', async () => {
    const [first] = await t.call('hosts:list', {});
    await t.call('hosts:remove', { id: first.id });
    expect((await t.fail('hosts:probe', { id: first.id })).code).toBe('not-found');
  });
});
