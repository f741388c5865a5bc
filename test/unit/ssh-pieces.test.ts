import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
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

  it('trusts on first use, recognises the key later and refuses a changed one', async () => {
    const kh = new KnownHosts(path.join(dir, 'known_hosts'));
    const first = (await makeKey('k2')).blob;
    const other = (await makeKey('k3')).blob;
    expect(await kh.check('10.0.0.5', 2222, first)).toBe('unknown');
    await kh.add('10.0.0.5', 2222, first);
    expect(await kh.check('10.0.0.5', 2222, first)).toBe('known');
    expect(await kh.check('10.0.0.5', 2222, other)).toBe('changed');
    expect(await kh.check('10.0.0.5', 22, other)).toBe('unknown');
    expect(await readFile(path.join(dir, 'known_hosts'), 'utf8')).toMatch(/^\[10\.0\.0\.5\]:2222 ssh-ed25519 AAAA/);
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
