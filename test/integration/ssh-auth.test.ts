// Every way to log in: key, key with passphrase, ssh-agent, password; and through a ProxyJump.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeKey, setSshdVariant } from '../lab/sshd';
import { labHosts } from '../support/lab';
import { startTestEngine, type TestEngine } from '../support/engine';
import { waitFor } from '../support/wait';
import type { Input } from '../../electron/shared/contract';
import type { SshHostView } from '../../electron/shared/model';
import { LAB_DIR } from '../lab/config';

let t: TestEngine;
let agent: ChildProcess | undefined;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => {
  agent?.kill();
  await setSshdVariant('h3', {});
  await setSshdVariant('h2', {});
  await t.stop();
});

async function trusted(name: string, overrides: Partial<Input<'hosts:add'>>): Promise<SshHostView> {
  const [h] = (await labHosts()).filter((x) => x.name === name);
  const view = await t.addLabHost(h, { name: `${name}-${Math.random().toString(36).slice(2, 7)}`, ...overrides });
  if (view.kind !== 'ssh') throw new Error('expected an SSH host');
  return view;
}

describe('SSH authentication', () => {
  it('logs in with a key protected by a passphrase, and says so when the passphrase is wrong', async () => {
    const [, h2] = await labHosts();
    const key = path.join(t.dir, 'pass_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'correct horse', '-f', key]);
    await authorizeKey('h2', await readFile(`${key}.pub`, 'utf8'));
    const host = await trusted('h2', { auth: { kind: 'key', keyPath: key, passphrase: 'correct horse' } });
    expect(host.secret).toBe('memory');
    expect(host.auth).toEqual({ kind: 'key', keyPath: key, hasPassphrase: true });
    expect((await t.call('hosts:probe', { id: host.id })).hostname).toBe(h2.name);

    const wrong = await t.call('hosts:add', { name: 'wrong-passphrase', address: h2.address, auth: { kind: 'key', keyPath: key, passphrase: 'battery staple' } });
    expect(await t.fail('hosts:probe', { id: wrong.id })).toMatchObject({ code: 'auth-failed', field: 'auth.passphrase' });
    const none = await t.call('hosts:add', { name: 'no-passphrase', address: h2.address, auth: { kind: 'key', keyPath: key } });
    expect(await t.fail('hosts:probe', { id: none.id })).toMatchObject({ code: 'auth-failed', message: expect.stringContaining('protected by a passphrase') });
  });

  it('logs in through ssh-agent', async () => {
    const [h1] = await labHosts();
    const socket = path.join(t.dir, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    await waitFor('ssh-agent\'s socket', () => stat(socket).then(() => 'there', (e: NodeJS.ErrnoException) => e.code ?? 'error'), (s) => s === 'there', { timeoutMs: 10_000, everyMs: 50 });
    execFileSync('ssh-add', [h1.keyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
    const host = await trusted('h1', { auth: { kind: 'agent', socketPath: socket } });
    expect(host.secret).toBe('none');
    expect((await t.call('hosts:probe', { id: host.id })).hostname).toBe('h1');
  });

  it('logs in with a password, which is never shown back', async () => {
    const [, , h3] = await labHosts();
    await setSshdVariant('h3', { password: 'lab-Pa55word' });
    const host = await trusted('h3', { auth: { kind: 'password', password: 'lab-Pa55word' } });
    expect(JSON.stringify(host)).not.toContain('lab-Pa55word');
    expect((await t.call('hosts:probe', { id: host.id })).hostname).toBe(h3.name);
    const wrong = await t.call('hosts:add', { name: 'wrong-password', address: h3.address, auth: { kind: 'password', password: 'nope' } });
    expect((await t.waitForStatus(wrong.id, ['auth-failed'])).statusDetail).toBe(`root@${h3.address} refused the password`);
  });

  it('reaches a host through a ProxyJump hop, verifying both host keys', async () => {
    const [h1, h2] = await labHosts();
    const added = await t.call('hosts:add', { name: 'h2-via-h1', address: h2.address, auth: { kind: 'key', keyPath: h1.keyPath }, proxyJump: { address: h1.address } });
    // h1's key is already trusted by an earlier test; h2's is asked for as the host's key.
    let view = await t.waitForStatus(added.id, ['host-key-unknown', 'connected']);
    if (view.status === 'host-key-unknown') {
      expect(view.hostKey?.hop).toBe('host');
      await t.call('hosts:trust', { id: added.id, fingerprint: view.hostKey!.fingerprint });
      view = await t.waitForStatus(added.id, ['connected']);
    }
    expect((await t.call('hosts:probe', { id: added.id })).hostname).toBe('h2');
    const log = await readFile(path.join(LAB_DIR, 'h2', 'sshd.log'), 'utf8');
    expect(log).toMatch(new RegExp(`Accepted publickey for root from ${h1.address.replace(/\./g, '\\.')}`));
  });
});
