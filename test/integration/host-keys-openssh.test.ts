// Host keys and credentials as OpenSSH handles them, against the lab's real sshd: a host known by
// one key type that presents another, a key revoked in the system-wide known_hosts, a jump host
// that must never see the target's password, and a password that stays behind when the address
// changes. The sshd variants log every authentication method a client tries.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { authRequests, hostByName, hostKeyFingerprint, setSshdVariant, sshdLog } from '../lab/sshd';
import { labHosts } from '../support/lab';
import { startTestEngine, type TestEngine } from '../support/engine';

const PASSWORD = 'lab-Pa55word';
const engines: TestEngine[] = [];
async function engine(opts: Parameters<typeof startTestEngine>[0] = {}): Promise<TestEngine> {
  const t = await startTestEngine(opts);
  engines.push(t);
  return t;
}

afterAll(async () => {
  for (const t of engines) await t.stop();
  for (const name of ['h1', 'h2', 'h3']) await setSshdVariant(name, {});
});

describe('OpenSSH semantics for host keys, on the lab', () => {
  it('a host trusted by its ed25519 key that presents ECDSA gets host-key-other-type, and connects only after the stronger confirmation', async () => {
    const [, h2] = await labHosts();
    const t = await engine();
    const host = await t.addLabHost(h2);
    const ed25519 = h2.hostKeyFingerprint;

    await setSshdVariant('h2', { hostKeys: ['ecdsa'] });
    const ecdsa = await hostKeyFingerprint('h2', 'ecdsa');
    const test = await t.call('hosts:test', { id: host.id });
    expect(test.ok).toBe(false);
    expect(test.error?.code).toBe('host-key-other-type');
    const pending = await t.waitForStatus(host.id, ['host-key-other-type']);
    expect(pending.hostKey).toMatchObject({ verdict: 'other-type', keyType: 'ecdsa-sha2-nistp256', fingerprint: ecdsa, knownKeys: [{ type: 'ssh-ed25519', fingerprint: ed25519 }] });
    expect(pending.statusHint).toContain('ssh_host_ecdsa_key.pub');

    // One click is not enough: the new fingerprint alone is refused, and nothing connects.
    const refused = await t.fail('hosts:trust', { id: host.id, fingerprint: ecdsa });
    expect(refused).toMatchObject({ code: 'conflict', field: 'retiredFingerprint' });
    expect((await t.call('hosts:list', {})).find((h) => h.id === host.id)?.status).toBe('host-key-other-type');
    // Naming a key that is not the old one is refused too.
    expect(await t.fail('hosts:trust', { id: host.id, fingerprint: ecdsa, retiredFingerprint: ecdsa })).toMatchObject({ code: 'conflict' });

    await t.call('hosts:trust', { id: host.id, fingerprint: ecdsa, retiredFingerprint: ed25519 });
    await t.waitForStatus(host.id, ['connected']);
    expect((await t.call('hosts:probe', { id: host.id })).hostname).toBe('h2');

    // Known types are negotiated first: offered both, the host is asked for the ECDSA key now known.
    await setSshdVariant('h2', { hostKeys: ['ed25519', 'ecdsa'] });
    expect(await t.call('hosts:test', { id: host.id })).toMatchObject({ ok: true });
  });

  it('refuses a key marked @revoked in the system-wide known_hosts, and will not trust it', async () => {
    const [h1] = await labHosts();
    const systemFile = path.join((await engine()).dir, 'ssh_known_hosts');
    const pub = (await readFile(path.join(hostByName('h1').stateDir, 'ssh_host_ed25519_key.pub'), 'utf8')).trim();
    await writeFile(systemFile, `@revoked * ${pub}\n`);
    const t = await engine({ systemKnownHosts: [systemFile] });
    const added = await t.call('hosts:add', { name: 'h1', address: h1.address, auth: { kind: 'key', keyPath: h1.keyPath } });
    const view = await t.waitForStatus(added.id, ['host-key-revoked', 'connected', 'host-key-unknown']);
    expect(view.status).toBe('host-key-revoked');
    expect(view.hostKey).toMatchObject({ verdict: 'revoked', fingerprint: h1.hostKeyFingerprint, knownIn: `${systemFile}:1` });
    expect(await t.fail('hosts:trust', { id: added.id, fingerprint: h1.hostKeyFingerprint })).toMatchObject({ code: 'conflict' });
    expect(await t.fail('hosts:probe', { id: added.id })).toMatchObject({ code: 'host-key-revoked' });
  });
});

describe('credentials, on the lab', () => {
  it('the jump host never sees the target’s password: it logs in with its own key', async () => {
    const [h1, , h3] = await labHosts();
    // The jump host would accept the same password: if it were sent there, it would work.
    await setSshdVariant('h1', { password: PASSWORD, logAuthMethods: true, keyboardInteractive: true });
    await setSshdVariant('h3', { password: PASSWORD });
    const t = await engine();
    await t.addLabHost(h1);
    const from = (await sshdLog('h1')).length;
    const host = await t.call('hosts:add', { name: 'h3-via-h1', address: h3.address, auth: { kind: 'password', password: PASSWORD }, proxyJump: { address: h1.address, auth: { kind: 'key', keyPath: h1.keyPath } } });
    let view = await t.waitForStatus(host.id, ['host-key-unknown', 'connected']);
    if (view.status === 'host-key-unknown') {
      expect(view.hostKey).toMatchObject({ hop: 'host', fingerprint: h3.hostKeyFingerprint });
      await t.call('hosts:trust', { id: host.id, fingerprint: h3.hostKeyFingerprint });
      view = await t.waitForStatus(host.id, ['connected']);
    }
    expect((await t.call('hosts:probe', { id: host.id })).hostname).toBe('h3');

    const tried = authRequests(await sshdLog('h1', from));
    expect(tried.length).toBeGreaterThan(0);
    expect(tried.map((r) => r.method)).toContain('publickey');
    expect(tried.filter((r) => r.method === 'password' || r.method === 'keyboard-interactive')).toEqual([]);
    expect(await sshdLog('h1', from)).not.toContain(PASSWORD);
    expect(await sshdLog('h3')).toMatch(new RegExp(`Accepted password for root from ${h1.address.replace(/\./g, '\\.')}`));
  });

  it('a password host behind a jump host without its own login is refused before the jump host is asked anything', async () => {
    const [h1, , h3] = await labHosts();
    await setSshdVariant('h1', { password: PASSWORD, logAuthMethods: true });
    const t = await engine();
    const from = (await sshdLog('h1')).length;
    const host = await t.call('hosts:add', { name: 'h3-no-jump-login', address: h3.address, auth: { kind: 'password', password: PASSWORD }, proxyJump: { address: h1.address } });
    const view = await t.waitForStatus(host.id, ['auth-failed']);
    expect(view.statusDetail).toContain('needs its own login');
    expect(authRequests(await sshdLog('h1', from))).toEqual([]);
  });

  it('a saved password stays unused after the host’s address is edited, and is asked again', async () => {
    const [, h2, h3] = await labHosts();
    await setSshdVariant('h2', { password: PASSWORD, logAuthMethods: true, keyboardInteractive: true });
    await setSshdVariant('h3', { password: PASSWORD });
    const t = await engine();
    await t.addLabHost(h2, { name: 'h2-by-key' }); // h2's host key is trusted, so the edit reaches the login
    const host = await t.call('hosts:add', { name: 'pw-host', address: h3.address, auth: { kind: 'password', password: PASSWORD } });
    const first = await t.waitForStatus(host.id, ['host-key-unknown', 'connected']);
    if (first.status === 'host-key-unknown') await t.call('hosts:trust', { id: host.id, fingerprint: h3.hostKeyFingerprint });
    await t.waitForStatus(host.id, ['connected']);
    expect((await t.call('hosts:list', {})).find((h) => h.id === host.id)).toMatchObject({ secret: 'memory' });

    const from = (await sshdLog('h2')).length;
    const edited = await t.call('hosts:update', { id: host.id, address: h2.address });
    expect(edited).toMatchObject({ secret: 'missing' });
    const view = await t.waitForStatus(host.id, ['auth-failed']);
    expect(view.statusDetail).toContain('does not have it');
    const tried = authRequests(await sshdLog('h2', from));
    expect(tried.filter((r) => r.method === 'password' || r.method === 'keyboard-interactive')).toEqual([]);

    // Moving back does not bring the dropped password back either.
    await t.call('hosts:update', { id: host.id, address: h3.address });
    expect(await t.waitForStatus(host.id, ['auth-failed'])).toMatchObject({ secret: 'missing' });
    // Given again with the edit, it is used.
    await t.call('hosts:update', { id: host.id, address: h2.address, auth: { kind: 'password', password: PASSWORD } });
    await t.waitForStatus(host.id, ['connected']);
    expect(authRequests(await sshdLog('h2', from)).map((r) => r.method)).toContain('password');
  });
});
