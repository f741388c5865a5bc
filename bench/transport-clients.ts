// The four ways to talk to a lab host's Docker engine that the transport benchmark compares:
// ours (persistent SSH + streamlocal channels), dockerode's built-in ssh, the docker CLI over
// ssh://, and the host's local unix socket as the floor.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile, chmod } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { dial, type LiveLink } from '../electron/engine/hosts/dialers';
import type { SshHostRecord } from '../electron/engine/hosts/host-record';
import { createLocalDockerClient } from '../electron/engine/docker/docker-client';
import { KnownHosts } from '../electron/engine/ssh/known-hosts';
import type { LabHostEnv } from '../test/lab/lab';
import { LAB_DIR } from '../test/lab/config';

const execFileAsync = promisify(execFile);

export interface BenchClient {
  version(): Promise<unknown>;
  listContainers(): Promise<unknown>;
  /** Containers here, plus nodes, services, tasks and networks when this is the manager. */
  snapshot(manager: boolean): Promise<unknown>;
  close(): void;
}

function dockerodeClient(docker: Docker, close: () => void = () => {}): BenchClient {
  return {
    version: () => docker.version(),
    listContainers: () => docker.listContainers({ all: true }),
    snapshot: (manager) =>
      Promise.all([docker.listContainers({ all: true }), ...(manager ? [docker.listNodes(), docker.listServices(), docker.listTasks(), docker.listNetworks()] : [])]),
    close,
  };
}

export async function oursClient(h: LabHostEnv, knownHosts: KnownHosts, endpoint = { address: h.address, port: h.port }): Promise<{ client: BenchClient; link: LiveLink }> {
  const record: SshHostRecord = {
    id: `bench-${h.name}`,
    kind: 'ssh',
    name: h.name,
    address: endpoint.address,
    port: endpoint.port,
    user: h.user,
    auth: { kind: 'key', keyPath: h.keyPath, hasPassphrase: false },
    dockerSocket: '/var/run/docker.sock',
  };
  const link = await dial(record, { knownHosts });
  return { client: dockerodeClient(link.docker, () => link.close()), link };
}

export function modemClient(h: LabHostEnv, endpoint = { address: h.address, port: h.port }): BenchClient {
  const docker = new Docker({ protocol: 'ssh', host: endpoint.address, port: endpoint.port, username: h.user, sshOptions: { privateKey: readFileSync(h.keyPath) } } as Docker.DockerOptions);
  return dockerodeClient(docker);
}

export function localClient(h: LabHostEnv): BenchClient {
  return dockerodeClient(createLocalDockerClient(path.join(LAB_DIR, h.name, 'run', 'docker.sock')));
}

/**
 * Runs the docker CLI against a host over ssh://, with an ssh wrapper on PATH that uses the lab
 * key (the machine's ~/.ssh stays untouched).
 */
export async function dockerCliFor(h: LabHostEnv, endpoint = { address: h.address, port: h.port }): Promise<(...args: string[]) => Promise<{ stdout: string }>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-cli-'));
  const config = path.join(dir, 'ssh_config');
  await writeFile(config, `Host *\n  IdentityFile ${h.keyPath}\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n`);
  await writeFile(path.join(dir, 'ssh'), `#!/bin/sh\nexec /usr/bin/ssh -F ${config} "$@"\n`);
  await chmod(path.join(dir, 'ssh'), 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
  delete env.DOCKER_HOST;
  const url = `ssh://${h.user}@${endpoint.address}${endpoint.port === 22 ? '' : `:${endpoint.port}`}`;
  return (...args: string[]) => execFileAsync('docker', ['-H', url, ...args], { env, timeout: 60_000 });
}

export async function cliClient(h: LabHostEnv, endpoint = { address: h.address, port: h.port }): Promise<BenchClient> {
  const docker = await dockerCliFor(h, endpoint);
  return {
    version: () => docker('version', '--format', '{{.Server.Version}}'),
    listContainers: () => docker('ps', '-aq'),
    snapshot: (manager) =>
      Promise.all([docker('ps', '-aq'), ...(manager ? [docker('node', 'ls', '-q'), docker('service', 'ls', '-q'), docker('service', 'ps', '-q', 'bench-web'), docker('network', 'ls', '-q')] : [])]),
    close: () => {},
  };
}

/** Trusts each lab host's key (read from the lab's own files) for our client. */
export async function trustedKnownHosts(dir: string, hosts: LabHostEnv[], extra: { address: string; port: number; host: LabHostEnv }[] = []): Promise<KnownHosts> {
  const kh = new KnownHosts(path.join(dir, 'known_hosts'), []);
  const blob = (h: LabHostEnv) => Buffer.from(readFileSync(path.join(LAB_DIR, h.name, 'ssh_host_ed25519_key.pub'), 'utf8').split(' ')[1], 'base64');
  for (const h of hosts) await kh.trust(h.address, h.port, blob(h));
  for (const e of extra) await kh.trust(e.address, e.port, blob(e.host));
  return kh;
}
