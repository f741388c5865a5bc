// The ways to talk to a lab host's Docker engine that the transport benchmark compares: ours
// (persistent SSH + streamlocal channels), dockerode's built-in ssh, the docker CLI over ssh://
// (plain, and through an open ControlMaster with xargs -P for bursts), and the host's local
// unix socket as the floor.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { dial, type LiveLink } from '../electron/engine/hosts/dialers';
import type { SshHostRecord } from '../electron/engine/hosts/host-record';
import { createLocalDockerClient } from '../electron/engine/docker/docker-client';
import { KnownHosts } from '../electron/engine/ssh/known-hosts';
import type { LabHostEnv } from '../test/lab/lab';
import { LAB_DIR } from '../test/lab/config';
import { xargsDocker, type DockerCli } from './docker-cli';
import { concurrent } from './stats';

export interface BenchClient {
  version(): Promise<unknown>;
  listContainers(): Promise<unknown>;
  /** Containers here, plus nodes, services, tasks and networks when this is the manager. */
  snapshot(manager: boolean): Promise<unknown>;
  /** `count` calls at once (alternating version and container list); failures counted. */
  burst(count: number): Promise<{ ms: number; failed: number }>;
  close(): void;
}

const alternate = (c: Pick<BenchClient, 'version' | 'listContainers'>) => (i: number) => (i % 2 ? c.listContainers() : c.version());

function dockerodeClient(docker: Docker, close: () => void = () => {}): BenchClient {
  const calls = { version: () => docker.version(), listContainers: () => docker.listContainers({ all: true }) };
  return {
    ...calls,
    snapshot: (manager) =>
      Promise.all([docker.listContainers({ all: true }), ...(manager ? [docker.listNodes(), docker.listServices(), docker.listTasks(), docker.listNetworks()] : [])]),
    burst: (count) => concurrent(count, alternate(calls)),
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
 * The docker CLI on one host. Plain: every command a new SSH connection, bursts all at once.
 * Through a ControlMaster: bursts through `xargs -P parallel`.
 */
export function cliClient(docker: DockerCli, parallel?: number): BenchClient {
  const calls = { version: () => docker('version', '--format', '{{.Server.Version}}'), listContainers: () => docker('ps', '-aq') };
  const commands = (count: number) => Array.from({ length: count }, (_, i) => (i % 2 ? ['ps', '-aq'] : ['version', '--format', '{{.Server.Version}}']));
  return {
    ...calls,
    snapshot: (manager) =>
      Promise.all([docker('ps', '-aq'), ...(manager ? [docker('node', 'ls', '-q'), docker('service', 'ls', '-q'), docker('service', 'ps', '-q', 'bench-web'), docker('network', 'ls', '-q')] : [])]),
    burst: (count) => (parallel ? xargsDocker(docker, commands(count), parallel) : concurrent(count, alternate(calls))),
    close: () => void docker.close(),
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
