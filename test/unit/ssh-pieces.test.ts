import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, keyType } from '../../electron/engine/ssh/host-key';
import { KnownHosts } from '../../electron/engine/ssh/known-hosts';
import { createDockerClient } from '../../electron/engine/docker/docker-client';
import http from 'node:http';
import { tempDir } from '../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

async function makeKey(name: string): Promise<{ blob: Buffer; sshKeygenFingerprint: string }> {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  const blob = Buffer.from((await readFile(`${file}.pub`, 'utf8')).split(' ')[1], 'base64');
  const sshKeygenFingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1];
  return { blob, sshKeygenFingerprint };
}

describe('host keys', () => {
  it('fingerprints a key exactly as ssh-keygen -lf does', async () => {
    const { blob, sshKeygenFingerprint } = await makeKey('k1');
    expect(fingerprint(blob)).toBe(sshKeygenFingerprint);
    expect(keyType(blob)).toBe('ssh-ed25519');
  });

  it('knows a trusted key, calls another key of the same type changed', async () => {
    const kh = new KnownHosts(path.join(dir, 'known_hosts'), [], []);
    const first = (await makeKey('k2')).blob;
    const other = (await makeKey('k3')).blob;
    expect(await kh.check('10.0.0.5', 2222, first)).toEqual({ verdict: 'unknown' });
    await kh.trust('10.0.0.5', 2222, first);
    expect(await kh.check('10.0.0.5', 2222, first)).toMatchObject({ verdict: 'known' });
    expect(await kh.check('10.0.0.5', 2222, other)).toMatchObject({ verdict: 'changed', line: 1 });
    expect(await kh.check('10.0.0.5', 22, other)).toEqual({ verdict: 'unknown' });
    // Hashed names, as ssh-keygen -H writes them (see host-keys-openssh.test.ts).
    expect(await readFile(path.join(dir, 'known_hosts'), 'utf8')).toMatch(/^\|1\|[^ ]+ ssh-ed25519 AAAA/);
    expect(await kh.forget('10.0.0.5', 2222)).toBe(1);
    expect(await kh.check('10.0.0.5', 2222, first)).toEqual({ verdict: 'unknown' });
  });

  it("reads OpenSSH's known_hosts: hashed names, wildcards, negations, ports and @revoked", async () => {
    const a = (await makeKey('ka')).blob;
    const b = (await makeKey('kb')).blob;
    const line = (hosts: string, blob: Buffer, marker = '') => `${marker}${marker ? ' ' : ''}${hosts} ssh-ed25519 ${blob.toString('base64')}`;
    const userFile = path.join(dir, 'user_known_hosts');
    // A hashed entry made by OpenSSH itself, for the name as ssh looks it up.
    await writeFile(path.join(dir, 'hashme'), `${line('[10.9.9.9]:2200', a)}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', path.join(dir, 'hashme')], { stdio: 'ignore' });
    const hashed = (await readFile(path.join(dir, 'hashme'), 'utf8')).trim();
    expect(hashed).toMatch(/^\|1\|/);
    await writeFile(userFile, ['# comment', hashed, line('*.lab.example,!bad.lab.example', a), line('10.7.7.7', b, '@revoked'), line('10.7.7.7', a)].join('\n'));
    const kh = new KnownHosts(path.join(dir, 'app_known_hosts'), [userFile], []);
    expect(await kh.check('10.9.9.9', 2200, a)).toMatchObject({ verdict: 'known', file: userFile });
    expect(await kh.check('10.9.9.9', 2200, b)).toMatchObject({ verdict: 'changed', file: userFile, line: 2 });
    expect(await kh.check('10.9.9.9', 22, a)).toEqual({ verdict: 'unknown' });
    expect(await kh.check('node1.lab.example', 22, a)).toMatchObject({ verdict: 'known' });
    expect(await kh.check('bad.lab.example', 22, a)).toEqual({ verdict: 'unknown' });
    expect(await kh.check('10.7.7.7', 22, b)).toMatchObject({ verdict: 'revoked', line: 4 });
    expect(await kh.check('10.7.7.7', 22, a)).toMatchObject({ verdict: 'known' });
    // OpenSSH's own file is never written.
    await kh.trust('10.1.1.1', 22, a);
    expect(await readFile(userFile, 'utf8')).not.toContain('10.1.1.1');
  });
});

describe('docker client', () => {
  it('ignores DOCKER_HOST and friends from the environment', () => {
    const saved = { ...process.env };
    Object.assign(process.env, { DOCKER_HOST: 'tcp://203.0.113.9:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent', DOCKER_PATH_PREFIX: '/evil' });
    try {
      const agent = new http.Agent();
      const modem = (createDockerClient(agent) as unknown as { modem: Record<string, unknown> }).modem;
      expect(modem.host).toBe('docker');
      expect(modem.protocol).toBe('http');
      expect(modem.agent).toBe(agent);
      expect(modem.pathPrefix).toBeUndefined();
      expect(modem.ca).toBeUndefined();
      expect(process.env.DOCKER_HOST).toBe('tcp://203.0.113.9:2376');
    } finally {
      process.env = saved;
    }
  });
});
