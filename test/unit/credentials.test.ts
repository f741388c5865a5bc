// Credentials as pure logic: a saved secret is bound to the endpoint it was given for; the jump
// hop never inherits the host's password; keyboard-interactive answers one password prompt once.
import { describe, expect, it } from 'vitest';
import { jumpAuth, type SshHostRecord } from '../../electron/engine/hosts/host-record';
import { editedRecord } from '../../electron/engine/hosts/host-records';
import { HostSecrets } from '../../electron/engine/hosts/host-secrets';
import { MemorySecretStore } from '../../electron/engine/secrets/secret-store';
import { asksForPassword, authHandler } from '../../electron/engine/ssh/ssh-auth';
import { validateInput } from '../../electron/shared/validate';

const host: SshHostRecord = {
  id: 'h-1',
  kind: 'ssh',
  name: 'web',
  address: '10.0.0.5',
  port: 22,
  user: 'root',
  auth: { kind: 'password' },
  dockerSocket: '/var/run/docker.sock',
  proxyJump: { address: '10.0.0.1', port: 22, auth: { kind: 'key', keyPath: '/k', hasPassphrase: false } },
};
const edit = (patch: Record<string, unknown>) => editedRecord(host, validateInput('hosts:update', { id: host.id, ...patch }));

describe('a saved secret is bound to its endpoint', () => {
  it.each([
    ['address', { address: '10.0.0.6' }],
    ['port', { port: 2222 }],
    ['user', { user: 'admin' }],
    ['jump host', { proxyJump: { address: '10.0.0.2', auth: { kind: 'key', keyPath: '/k' } } }],
    ['jump removed', { proxyJump: null }],
  ])('editing the %s drops the password', (_what, patch) => {
    expect(edit(patch).secret).toBeNull();
  });

  it('keeps it for a rename, and takes a new one given with the edit', () => {
    expect(edit({ name: 'web2' }).secret).toBeUndefined();
    expect(edit({ address: '10.0.0.6', auth: { kind: 'password', password: 'new' } }).secret).toBe('new');
  });

  it('the store itself refuses a secret saved for another endpoint', async () => {
    const secrets = new HostSecrets(new MemorySecretStore());
    await secrets.set(host, 'host', 'pw');
    expect(await secrets.get(host, 'host')).toBe('pw');
    expect(await secrets.get({ ...host, address: '10.0.0.6' }, 'host')).toBeUndefined();
    expect(await secrets.get({ ...host, proxyJump: undefined }, 'host')).toBeUndefined();
  });
});

describe('the jump hop', () => {
  it('never inherits the host password; inherits a key or the agent', () => {
    expect(jumpAuth({ ...host, proxyJump: { address: 'j', port: 22 } })).toBeUndefined();
    const keyHost: SshHostRecord = { ...host, auth: { kind: 'key', keyPath: '/id', hasPassphrase: false }, proxyJump: { address: 'j', port: 22 } };
    expect(jumpAuth(keyHost)).toEqual(keyHost.auth);
    expect(jumpAuth(host)).toEqual(host.proxyJump!.auth);
  });

  it('a jump password is stored under its own slot, bound to the jump endpoint', async () => {
    const store = new MemorySecretStore();
    const secrets = new HostSecrets(store);
    const withJumpPw: SshHostRecord = { ...host, proxyJump: { address: '10.0.0.1', port: 22, user: 'j', auth: { kind: 'password' } } };
    await secrets.set(withJumpPw, 'jump', 'jump-pw');
    expect(await secrets.get(withJumpPw, 'jump')).toBe('jump-pw');
    expect(await secrets.get(withJumpPw, 'host')).toBeUndefined();
    expect(await secrets.get({ ...withJumpPw, proxyJump: { ...withJumpPw.proxyJump!, user: 'other' } }, 'jump')).toBeUndefined();
  });
});

describe('keyboard-interactive', () => {
  it('recognises password prompts and nothing else', () => {
    expect(asksForPassword({ prompt: 'Password: ', echo: false })).toBe(true);
    expect(asksForPassword({ prompt: "root@h3's password:", echo: false })).toBe(true);
    expect(asksForPassword({ prompt: 'Verification code: ', echo: false })).toBe(false);
    expect(asksForPassword({ prompt: 'One-time password (OTP) token: ', echo: false })).toBe(false);
    expect(asksForPassword({ prompt: 'Username: ', echo: true })).toBe(false);
  });

  it('answers one password prompt once, and nothing to other questions', () => {
    const handler = authHandler({ attempts: [{ type: 'keyboard-interactive', password: 'pw' }], field: 'auth' }, 'root');
    let method: any;
    handler(null as never, false, (m) => (method = m));
    const answers: string[][] = [];
    const finish = (a: string[]) => answers.push(a);
    method.prompt('', '', '', [{ prompt: 'Verification code:', echo: false }], finish);
    method.prompt('', '', '', [{ prompt: 'Password:', echo: false }], finish);
    method.prompt('', '', '', [{ prompt: 'Password:', echo: false }], finish);
    expect(answers).toEqual([[], ['pw'], []]);
  });

  it('skips methods the server does not offer, then gives up', () => {
    const handler = authHandler({ attempts: [{ type: 'password', password: 'pw' }, { type: 'keyboard-interactive', password: 'pw' }], field: 'auth' }, 'root');
    const picked: unknown[] = [];
    handler(['publickey', 'keyboard-interactive'], false, (m) => picked.push(m));
    handler(['publickey'], false, (m) => picked.push(m));
    expect((picked[0] as { type: string }).type).toBe('keyboard-interactive');
    expect(picked[1]).toBe(false);
  });
});
