// How a session reaches a host's Docker engine: over SSH (streamlocal, else dial-stdio), or
// through a local unix socket. Each returns a live link with a dockerode client on it.
import net from 'node:net';
import type Docker from 'dockerode';
import { ApiError } from '../../shared/errors';
import type { TestStep, Transport } from '../../shared/model';
import { ChannelLimiter } from '../docker/channel-limiter';
import { dialStdioOpener, streamlocalOpener } from '../docker/channel-openers';
import { createDockerClient, createLocalDockerClient } from '../docker/docker-client';
import { SshDockerAgent } from '../docker/ssh-docker-agent';
import { connectSsh, type SshLink } from '../ssh/ssh-connect';
import type { KnownHosts } from '../ssh/known-hosts';
import type { HostRecord, LocalHostRecord, SshHostRecord } from './host-record';

export type PortCheckResult = 'open' | 'refused' | 'timeout' | 'untested';

export interface LiveLink {
  docker: Docker;
  transport: Transport;
  /**
   * Runs a fixed command on the host (never built from user input) and returns its output.
   * Only SSH hosts have it.
   */
  exec?(command: string): Promise<string>;
  /** Can this host open a TCP connection to address:port? Tested from the host itself. */
  tcpCheck(address: string, port: number, timeoutMs: number): Promise<{ result: PortCheckResult; detail: string }>;
  limiter?: ChannelLimiter;
  /** Channels open on the connection right now. */
  channelsOpen(): number;
  /** Called once when the link dies on its own (not after close()). */
  onDrop(listener: () => void): void;
  close(): void;
}

export interface DialOptions {
  knownHosts: KnownHosts;
  secret?: string;
  /** The jump hop's own password or passphrase. */
  jumpSecret?: string;
  timeoutMs?: number;
  /** For the TCP connect alone (default timeoutMs). */
  connectTimeoutMs?: number;
  onStep?: (step: TestStep) => void;
}

// Streamlocal channels are not sessions, but stay polite; exec sessions stay below MaxSessions 10.
const STREAMLOCAL_CAP = 16;
const DIAL_STDIO_CAP = 8;

function dockerUnavailable(where: string, socket: string, cause: string): ApiError {
  return new ApiError('docker-unavailable', `connected to ${where}, but its Docker socket ${socket} did not answer: ${cause}`, {
    hint: 'Check that dockerd runs there, that the socket path is right (rootless Docker and Podman use other paths), and that this user may use it (docker group or root).',
  });
}

export async function pingWithin(docker: Docker, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([docker.ping(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** A dockerode client over the link, with its own channel limiter and agent. */
function dockerOver(link: SshLink, host: SshHostRecord, transport: Transport) {
  const sessions = transport === 'ssh-dial-stdio';
  const limiter = new ChannelLimiter(sessions ? DIAL_STDIO_CAP : STREAMLOCAL_CAP);
  const opener = sessions ? dialStdioOpener(link.client, host.dockerSocket) : streamlocalOpener(link.client, host.dockerSocket);
  const agent = new SshDockerAgent(opener, limiter, host.name, sessions);
  return { agent, limiter, docker: createDockerClient(agent) };
}

/**
 * Streamlocal first (no process per call). OpenSSH refuses a disabled forward and a missing
 * socket with the same "open failed", so on refusal dial-stdio is tried: if the docker CLI
 * there reaches the engine, forwarding was the problem; if not, its own error says why.
 */
async function chooseTransport(link: SshLink, host: SshHostRecord, timeoutMs: number) {
  const where = `${host.address}:${host.port}`;
  let streamlocalError: string;
  try {
    const probe = await streamlocalOpener(link.client, host.dockerSocket)();
    probe.destroy();
    const over = dockerOver(link, host, 'ssh-streamlocal');
    await pingWithin(over.docker, timeoutMs).catch((err: Error) => {
      over.agent.destroy();
      throw dockerUnavailable(where, host.dockerSocket, err.message);
    });
    return { transport: 'ssh-streamlocal' as Transport, ...over };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    streamlocalError = (err as Error).message.replace('(SSH) Channel open failure: ', '');
  }
  const over = dockerOver(link, host, 'ssh-dial-stdio');
  try {
    await pingWithin(over.docker, timeoutMs);
  } catch (err) {
    over.agent.destroy();
    throw dockerUnavailable(where, host.dockerSocket, `forwarding to the socket was refused (${streamlocalError}), and docker system dial-stdio failed too: ${(err as Error).message}`);
  }
  return { transport: 'ssh-dial-stdio' as Transport, ...over };
}

async function dialSsh(host: SshHostRecord, opts: DialOptions): Promise<LiveLink> {
  const link = await connectSsh(host, opts);
  const started = performance.now();
  try {
    const { transport, agent, limiter, docker } = await chooseTransport(link, host, opts.timeoutMs ?? 10_000);
    opts.onStep?.({
      step: 'docker',
      ok: true,
      ms: Math.round(performance.now() - started),
      detail: transport === 'ssh-streamlocal' ? `Docker answers on ${host.dockerSocket} (direct socket forwarding)` : `Docker answers through "docker system dial-stdio" (the server refuses socket forwarding)`,
    });
    let closing = false;
    const dropListeners: (() => void)[] = [];
    link.client.once('close', () => {
      agent.destroy();
      if (!closing) for (const l of dropListeners) l();
    });
    // Without a listener an SSH error would crash the process; 'close' follows it.
    link.client.on('error', () => {});
    return {
      docker,
      transport,
      limiter,
      exec: (command) => execFixed(link, command),
      tcpCheck: (address, port, timeoutMs) => tcpCheckThrough(link, address, port, timeoutMs),
      channelsOpen: () => agent.openChannels,
      onDrop: (l) => dropListeners.push(l),
      close() {
        closing = true;
        agent.destroy();
        link.close();
      },
    };
  } catch (err) {
    opts.onStep?.({ step: 'docker', ok: false, ms: Math.round(performance.now() - started), detail: (err as Error).message });
    link.close();
    throw err;
  }
}

async function dialLocal(host: LocalHostRecord, opts: DialOptions): Promise<LiveLink> {
  const started = performance.now();
  const docker = createLocalDockerClient(host.socketPath);
  try {
    await pingWithin(docker, opts.timeoutMs ?? 10_000);
  } catch (err) {
    const e = new ApiError('docker-unavailable', `the local Docker socket ${host.socketPath} did not answer: ${(err as Error).message}`, {
      hint: 'Is Docker running on this machine, and may this user use its socket?',
    });
    opts.onStep?.({ step: 'docker', ok: false, ms: Math.round(performance.now() - started), detail: e.message });
    throw e;
  }
  opts.onStep?.({ step: 'docker', ok: true, ms: Math.round(performance.now() - started), detail: `Docker answers on ${host.socketPath}` });
  return { docker, transport: 'local-socket', tcpCheck: tcpCheckLocal, channelsOpen: () => 0, onDrop: () => {}, close: () => {} };
}

function execFixed(link: SshLink, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    link.client.exec(command, (err, channel) => {
      if (err) return reject(err);
      let out = '';
      channel.on('data', (d: Buffer) => (out += d.toString()));
      channel.stderr.resume();
      channel.on('close', () => resolve(out));
    });
  });
}

/**
 * Asks the host's sshd to open a TCP connection (a "direct-tcpip" channel): if it succeeds, the
 * host can reach address:port. No command runs, so nothing is ever built into a shell string.
 */
function tcpCheckThrough(link: SshLink, address: string, port: number, timeoutMs: number): Promise<{ result: PortCheckResult; detail: string }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ result: 'timeout', detail: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
    link.client.forwardOut('127.0.0.1', 0, address, port, (err, stream) => {
      clearTimeout(timer);
      if (!err) {
        stream.destroy();
        return resolve({ result: 'open', detail: 'connected' });
      }
      const text = err.message.replace('(SSH) Channel open failure: ', '');
      // OpenSSH says "administratively prohibited" when AllowTcpForwarding is off: we cannot tell.
      if (/prohibited/i.test(text)) return resolve({ result: 'untested', detail: 'the host does not allow SSH TCP forwarding, so this was not tested' });
      resolve({ result: 'refused', detail: text });
    });
  });
}

function tcpCheckLocal(address: string, port: number, timeoutMs: number): Promise<{ result: PortCheckResult; detail: string }> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: address, port, timeout: timeoutMs });
    sock.once('connect', () => {
      sock.destroy();
      resolve({ result: 'open', detail: 'connected' });
    });
    sock.once('timeout', () => {
      sock.destroy();
      resolve({ result: 'timeout', detail: `no answer within ${timeoutMs / 1000} s` });
    });
    sock.once('error', (e: NodeJS.ErrnoException) => resolve({ result: 'refused', detail: e.code ?? e.message }));
  });
}

export function dial(host: HostRecord, opts: DialOptions): Promise<LiveLink> {
  return host.kind === 'ssh' ? dialSsh(host, opts) : dialLocal(host, opts);
}

