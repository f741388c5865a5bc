// One host's live connection: a persistent SSH client, the agent on top of it and the
// dockerode client that uses the agent, plus the host's status as the UI sees it.
import type Docker from 'dockerode';
import type { Client } from 'ssh2';
import { ApiError } from '../../shared/errors';
import type { HostStatus } from '../../shared/model';
import { createDockerClient } from '../docker/docker-client';
import { SshSocketAgent } from '../docker/ssh-socket-agent';
import { connectSsh } from '../ssh/ssh-connection';
import type { KnownHosts } from '../ssh/known-hosts';
import type { HostRecord } from './host-record';

export interface Connected {
  ssh: Client;
  agent: SshSocketAgent;
  docker: Docker;
}

const STATUS_OF_ERROR: Partial<Record<ApiError['code'], HostStatus>> = {
  'auth-failed': 'auth-failed',
  'host-key-unknown': 'host-key-unknown',
  'host-key-changed': 'host-key-changed',
  unreachable: 'unreachable',
  'docker-unavailable': 'docker-unavailable',
};

export class HostSession {
  status: HostStatus = 'idle';
  detail: string | undefined;
  private live: Connected | null = null;
  private connecting: Promise<Connected> | null = null;
  private closed = false;

  constructor(
    readonly host: HostRecord,
    private readonly knownHosts: KnownHosts,
    private readonly onStatus: (status: HostStatus, detail?: string) => void,
  ) {}

  /** The connection, opened on first use and shared by every later call. */
  connection(): Promise<Connected> {
    if (this.closed) return Promise.reject(new ApiError('not-found', `host ${this.host.name} was removed`));
    if (this.live) return Promise.resolve(this.live);
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<Connected> {
    this.setStatus('connecting');
    try {
      const ssh = await connectSsh(this.host, this.knownHosts);
      const agent = new SshSocketAgent(ssh, this.host.dockerSocket);
      const live: Connected = { ssh, agent, docker: createDockerClient(agent) };
      ssh.on('close', () => this.dropped(live));
      ssh.on('error', () => this.dropped(live));
      if (this.closed) {
        ssh.end();
        throw new ApiError('not-found', `host ${this.host.name} was removed`);
      }
      this.live = live;
      this.setStatus('connected');
      return live;
    } catch (err) {
      const status = err instanceof ApiError ? STATUS_OF_ERROR[err.code] : undefined;
      this.setStatus(status ?? 'unreachable', err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  /** Marks the socket as unusable when a Docker call fails at the channel level. */
  reportDockerFailure(err: Error): ApiError {
    const apiErr = new ApiError('docker-unavailable', `connected to ${this.host.address}, but its Docker socket ${this.host.dockerSocket} did not answer: ${err.message}`, {
      hint: 'Check that dockerd runs there and that this user may use the socket (docker group or root).',
      cause: err,
    });
    this.setStatus('docker-unavailable', apiErr.message);
    return apiErr;
  }

  private dropped(live: Connected): void {
    if (this.live !== live) return;
    this.live = null;
    live.agent.destroy();
    if (!this.closed) this.setStatus('unreachable', 'the SSH connection closed');
  }

  private setStatus(status: HostStatus, detail?: string): void {
    if (this.closed) return;
    this.status = status;
    this.detail = detail;
    this.onStatus(status, detail);
  }

  close(): void {
    this.closed = true;
    const live = this.live;
    this.live = null;
    if (live) {
      live.agent.destroy();
      live.ssh.end();
    }
  }
}
