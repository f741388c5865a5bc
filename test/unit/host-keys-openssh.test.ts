// Host keys as OpenSSH treats them: a key of another type than the known one is its own verdict,
// the system-wide file counts (and its @revoked / @cert-authority lines), the app writes its
// own file 0600 with hashed names that OpenSSH itself can read, known types are negotiated first,
// and the hint names the presented key type's file.
import { execFileSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../electron/engine/ssh/host-key';
import { hostKeyAlgorithms } from '../../electron/engine/ssh/host-key-algorithms';
import { HostKeyError } from '../../electron/engine/ssh/host-key-error';
import { KnownHosts } from '../../electron/engine/ssh/known-hosts';
import { tempDir } from '../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

async function makeKey(name: string, type: 'ed25519' | 'ecdsa' | 'rsa'): Promise<{ blob: Buffer; pub: string }> {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-f', file]);
  const pub = (await readFile(`${file}.pub`, 'utf8')).trim();
  return { blob: Buffer.from(pub.split(' ')[1], 'base64'), pub };
}

describe('OpenSSH semantics for host keys', () => {
  it('gives a key of another type than the trusted one its own verdict, naming the known key', async () => {
    const ed = await makeKey('ed', 'ed25519');
    const ec = await makeKey('ec', 'ecdsa');
    const kh = new KnownHosts(path.join(dir, 'app1'), [], []);
    await kh.trust('10.0.0.9', 22, ed.blob);
    const v = await kh.check('10.0.0.9', 22, ec.blob);
    expect(v).toMatchObject({ verdict: 'other-type', known: [{ type: 'ssh-ed25519', fingerprint: fingerprint(ed.blob), line: 1 }] });
    const err = HostKeyError.from(v as Exclude<typeof v, { verdict: 'known' }>, { hop: 'host', address: '10.0.0.9', port: 22, keyType: 'ecdsa-sha2-nistp256', fingerprint: fingerprint(ec.blob) }, ec.blob);
    expect(err.code).toBe('host-key-other-type');
    expect(err.message).toContain(`ssh-ed25519 ${fingerprint(ed.blob)}`);
    expect(err.hint).toContain('ssh_host_ecdsa_key.pub');
    expect(err.hint).toContain('retired');
    // Replacing (the user confirmed the old key retired) leaves only the new key.
    await kh.trust('10.0.0.9', 22, ec.blob, { replace: true });
    expect(await kh.check('10.0.0.9', 22, ec.blob)).toMatchObject({ verdict: 'known' });
    expect(await kh.check('10.0.0.9', 22, ed.blob)).toMatchObject({ verdict: 'other-type' });
  });

  it('names the presented key type in the hint for an unknown key', async () => {
    const rsa = await makeKey('rsa', 'rsa');
    const err = HostKeyError.from({ verdict: 'unknown' }, { hop: 'host', address: 'h', port: 22, keyType: 'ssh-rsa', fingerprint: fingerprint(rsa.blob) }, rsa.blob);
    expect(err.hint).toContain('ssh-keygen -lf /etc/ssh/ssh_host_rsa_key.pub');
    expect(err.hint).not.toContain('ed25519');
  });

  it('reads the system-wide file: its keys, @revoked and @cert-authority lines', async () => {
    const a = await makeKey('sa', 'ed25519');
    const b = await makeKey('sb', 'ed25519');
    const ca = await makeKey('ca', 'ed25519');
    const system = path.join(dir, 'ssh_known_hosts');
    await writeFile(system, [`10.1.0.1 ${a.pub}`, `@revoked * ${b.pub}`, `@cert-authority *.corp.example ${ca.pub}`].join('\n'));
    const kh = new KnownHosts(path.join(dir, 'app2'), [], [system]);
    expect(await kh.check('10.1.0.1', 22, a.blob)).toEqual({ verdict: 'known', file: system });
    expect(await kh.check('10.2.0.2', 22, b.blob)).toEqual({ verdict: 'revoked', file: system, line: 2 });
    // Trusting a revoked key in the app's own file changes nothing: revoked wins.
    await kh.trust('10.2.0.2', 22, b.blob);
    expect(await kh.check('10.2.0.2', 22, b.blob)).toMatchObject({ verdict: 'revoked' });
    expect(await kh.check('db.corp.example', 22, a.blob)).toEqual({ verdict: 'unknown', certAuthority: { type: 'ssh-ed25519', fingerprint: fingerprint(ca.blob), file: system, line: 3 } });
  });

  it('writes its own file 0600 with hashed names that OpenSSH finds', async () => {
    const k = await makeKey('hk', 'ed25519');
    const file = path.join(dir, 'app3');
    const kh = new KnownHosts(file, [], []);
    await kh.trust('10.3.0.3', 2222, k.blob);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('10.3.0.3');
    // ssh-keygen -F looks a name up the way ssh does, hashed entries included.
    const found = execFileSync('ssh-keygen', ['-F', '[10.3.0.3]:2222', '-f', file], { encoding: 'utf8' });
    expect(found).toContain(k.pub.split(' ')[1]);
    expect(await kh.forget('10.3.0.3', 2222)).toBe(1);
  });

  it('hashes plain names an older version wrote, when it next writes', async () => {
    const k = await makeKey('old', 'ed25519');
    const file = path.join(dir, 'app4');
    await writeFile(file, `10.4.0.4 ${k.pub}\n`, { mode: 0o644 });
    const kh = new KnownHosts(file, [], []);
    await kh.trust('10.4.0.5', 22, k.blob);
    const text = await readFile(file, 'utf8');
    expect(text).not.toMatch(/10\.4\.0\./);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await kh.check('10.4.0.4', 22, k.blob)).toMatchObject({ verdict: 'known' });
  });

  it('offers the algorithms of the known key types first, as OpenSSH orders HostKeyAlgorithms', async () => {
    expect(hostKeyAlgorithms([])[0]).toBe('ssh-ed25519');
    expect(hostKeyAlgorithms(['ecdsa-sha2-nistp256']).slice(0, 2)).toEqual(['ecdsa-sha2-nistp256', 'ssh-ed25519']);
    expect(hostKeyAlgorithms(['ssh-rsa']).slice(0, 3)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    const all = hostKeyAlgorithms(['ssh-rsa', 'ssh-ed25519']);
    expect(new Set(all).size).toBe(all.length);
    const rsa = await makeKey('kt', 'rsa');
    const kh = new KnownHosts(path.join(dir, 'app5'), [], []);
    await kh.trust('10.5.0.5', 22, rsa.blob);
    expect(await kh.knownTypes('10.5.0.5', 22)).toEqual(['ssh-rsa']);
  });
});
