import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshConfigCandidates } from '../../electron/engine/import/ssh-config-import';
import { dockerContextCandidates } from '../../electron/engine/import/docker-context-import';
import { tempDir } from '../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

const SSH_CONFIG = `
Host bastion
  HostName 203.0.113.10
  User jump
  Port 2200

Host docker1 docker2
  User admin
  IdentityFile ~/.ssh/docker_ed25519

Host docker1
  HostName 10.0.0.11

Host docker2
  HostName 10.0.0.12
  ProxyJump bastion

Host deep
  HostName 10.0.0.99
  ProxyJump a,b

Host *.internal
  User nobody

Host *
  ServerAliveInterval 30
`;

describe('import from ~/.ssh/config', () => {
  it('resolves each concrete alias as ssh would, with one ProxyJump hop', async () => {
    const file = path.join(dir, 'config');
    await writeFile(file, SSH_CONFIG);
    const res = await sshConfigCandidates(file, {});
    expect(res.found).toBe(true);
    const byLabel = Object.fromEntries(res.candidates.map((c) => [c.label, c.add.input]));
    expect(Object.keys(byLabel).sort()).toEqual(['bastion', 'docker1', 'docker2']);
    expect(byLabel.docker1).toMatchObject({ address: '10.0.0.11', user: 'admin', port: 22, auth: { kind: 'key', keyPath: '~/.ssh/docker_ed25519' } });
    expect(byLabel.docker2).toMatchObject({ address: '10.0.0.12', proxyJump: { address: '203.0.113.10', port: 2200, user: 'jump' } });
    expect(byLabel.bastion).toMatchObject({ address: '203.0.113.10', port: 2200, user: 'jump' });
    expect(res.skipped).toEqual([expect.stringMatching(/^deep: .*more than one hop/)]);
  });

  it('uses the agent when no IdentityFile is set and SSH_AUTH_SOCK is', async () => {
    const file = path.join(dir, 'config2');
    await writeFile(file, 'Host plain\n  HostName plain.example.com\n');
    const res = await sshConfigCandidates(file, { SSH_AUTH_SOCK: '/tmp/agent.sock' });
    expect(res.candidates[0].add.input).toMatchObject({ address: 'plain.example.com', auth: { kind: 'agent' } });
  });

  it('says nothing is there when the file is missing', async () => {
    expect(await sshConfigCandidates(path.join(dir, 'none'))).toMatchObject({ found: false, candidates: [], error: undefined });
  });
});

describe('import from Docker contexts', () => {
  it('turns ssh:// contexts into SSH hosts and unix:// into local engines, and says why others are skipped', async () => {
    const docker = path.join(dir, 'docker');
    const meta = (name: string, host: string) => mkdir(path.join(docker, 'contexts', 'meta', name), { recursive: true }).then(() => writeFile(path.join(docker, 'contexts', 'meta', name, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } })));
    await meta('a1', 'ssh://ops@docker1:2222');
    await meta('a2', 'unix:///run/user/1000/docker.sock');
    await meta('a3', 'tcp://10.0.0.5:2376');
    const res = await dockerContextCandidates(docker, SSH_CONFIG, {});
    const byLabel = Object.fromEntries(res.candidates.map((c) => [c.label, c.add]));
    // docker1 is an alias in ~/.ssh/config, resolved as the docker CLI's ssh would.
    expect(byLabel.a1).toMatchObject({ kind: 'ssh', input: { name: 'a1', address: '10.0.0.11', port: 2222, user: 'ops' } });
    expect(byLabel.a2).toEqual({ kind: 'local', input: { name: 'a2', socketPath: '/run/user/1000/docker.sock' } });
    expect(res.skipped).toEqual([expect.stringContaining('a3: tcp:// endpoints are not supported')]);
  });
});
