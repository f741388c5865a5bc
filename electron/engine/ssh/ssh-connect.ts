// Opens an authenticated SSH connection to a host (through one ProxyJump hop if set),
// verifying every hop's host key, and reports each step (TCP, SSH, auth) as it passes.
// Every way it can fail becomes an ApiError with a status the UI understands and a next step.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2, { type Client as SshClient } from 'ssh2';
import { ApiError } from '../../shared/errors';
import type { TestStep, TestStepName } from '../../shared/model';
import { jumpAuth, jumpEndpoint, type SshHostRecord, type StoredAuth } from '../hosts/host-record';
import { fingerprint, keyType } from './host-key';
import { hostKeyAlgorithms } from './host-key-algorithms';
import { HostKeyError } from './host-key-error';
import type { KnownHosts } from './known-hosts';
import { authHandler, authPlan, type AuthPlan } from './ssh-auth';

export { expandHome } from './ssh-auth';

export interface ConnectOptions {
  knownHosts: KnownHosts;
  /** The host's password or key passphrase, if its auth needs one. */
  secret?: string;
  /** The jump hop's own password or passphrase (never the host's password). */
  jumpSecret?: string;
  timeoutMs?: number;
  /** For the TCP connect alone (default timeoutMs): short when retrying a host that went away. */
  connectTimeoutMs?: number;
  onStep?: (step: TestStep) => void;
}

export interface SshLink {
  client: Client;
  /** The ProxyJump connection the client runs through, if any. */
  jump?: Client;
  close(): void;
}

interface Endpoint {
  address: string;
  port: number;
  user: string;
  hop: 'host' | 'jump';
}

// ssh2 is CommonJS: under Node's ESM loader only its default export is reliable.
const { Client } = ssh2;
type Client = SshClient;

class Steps {
  private started = performance.now();
  constructor(private readonly onStep?: (s: TestStep) => void) {}
  pass(step: TestStepName, detail: string) {
    this.onStep?.({ step, ok: true, ms: Math.round(performance.now() - this.started), detail });
    this.started = performance.now();
  }
  fail(step: TestStepName, err: unknown): never {
    this.onStep?.({ step, ok: false, ms: Math.round(performance.now() - this.started), detail: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}

function openTcp(ep: Endpoint, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: ep.address, port: ep.port });
    // Nagle plus delayed ACK stalls small Docker calls by ~40 ms.
    sock.setNoDelay(true);
    sock.setKeepAlive(true, 10_000);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new ApiError('unreachable', `no answer from ${ep.address}:${ep.port} within ${timeoutMs / 1000} s`, { hint: 'Check the address and port, that the host is up, and that a firewall lets SSH through.' }));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      resolve(sock);
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const refused = err.code === 'ECONNREFUSED';
      reject(
        new ApiError('unreachable', `cannot reach ${ep.address}:${ep.port}: ${refused ? 'connection refused' : (err.code ?? err.message)}`, {
          hint: refused ? 'The host answers but nothing listens on that port: is sshd running, and is this its port?' : 'Check the address, that the host is up, and that a firewall lets SSH through.',
        }),
      );
    });
  });
}

function forwardThrough(jump: Client, ep: Endpoint): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    jump.forwardOut('127.0.0.1', 0, ep.address, ep.port, (err, stream) => {
      if (err) reject(new ApiError('unreachable', `the jump host could not reach ${ep.address}:${ep.port}: ${err.message.replace('(SSH) Channel open failure: ', '')}`, { hint: 'Check the address as the jump host sees it, and that the jump host allows TCP forwarding.' }));
      else resolve(stream);
    });
  });
}

function authFailure(ep: Endpoint, auth: StoredAuth, field: string): ApiError {
  const who = `${ep.user}@${ep.address}${ep.hop === 'jump' ? ' (the jump host)' : ''}`;
  switch (auth.kind) {
    case 'key': {
      const keys = [auth.keyPath, ...(auth.moreKeyPaths ?? [])];
      return new ApiError('auth-failed', `${who} refused ${keys.length > 1 ? `every key (${keys.join(', ')})` : `the key ${auth.keyPath}`}`, { hint: `Add the public key to ~${ep.user}/.ssh/authorized_keys on the host, or check the user name.` });
    }
    case 'agent':
      return new ApiError('auth-failed', `${who} refused every key the ssh-agent offered`, { hint: 'ssh-add the right key, or check the user name.' });
    case 'password':
      return new ApiError('auth-failed', `${who} refused the password`, { field: `${field}.password`, hint: 'Check the password and the user name, and that the host allows password login (PasswordAuthentication).' });
  }
}

async function connectHop(ep: Endpoint, sock: Duplex, plan: AuthPlan, storedAuth: StoredAuth, opts: ConnectOptions, steps: Steps): Promise<Client> {
  const client = new Client();
  // Known key types first, as OpenSSH orders HostKeyAlgorithms: a host known by its ed25519 key
  // is asked for that key, so a different type shows up only when the server offers nothing else.
  const serverHostKey = hostKeyAlgorithms(await opts.knownHosts.knownTypes(ep.address, ep.port).catch(() => []));
  let keyProblem: Error | null = null;
  return new Promise<Client>((resolve, reject) => {
    let handshook = false;
    client.once('handshake', () => {
      handshook = true;
      steps.pass('ssh', `${ep.hop === 'jump' ? 'jump host ' : ''}SSH handshake done, host key trusted`);
    });
    let ready = false;
    let failed = false;
    client.once('ready', () => {
      ready = true;
      steps.pass('auth', `logged in as ${ep.user}${ep.hop === 'jump' ? ' on the jump host' : ''}`);
      resolve(client);
    });
    // A server that closes the connection at once (sshd stopping, MaxStartups, a firewall's
    // reset) ends our socket without an ssh2 error: say so now, not at readyTimeout.
    const closedEarly = () => {
      if (ready || failed) return;
      failed = true;
      const mapped = keyProblem ?? new ApiError('unreachable', `${ep.address}:${ep.port} closed the connection before SSH was ready`, { hint: 'Is sshd running and accepting connections (MaxStartups, a firewall, fail2ban)? Archipelago keeps trying.' });
      try {
        steps.fail(handshook ? 'auth' : 'ssh', mapped);
      } catch {
        // steps.fail rethrows; the promise carries the error
      }
      reject(mapped);
    };
    client.once('error', (err: Error & { level?: string }) => {
      failed = true;
      sock.destroy();
      let mapped: Error;
      if (keyProblem) mapped = keyProblem;
      else if (err.level === 'client-authentication') mapped = authFailure(ep, storedAuth, plan.field);
      else if (err.level === 'client-timeout') mapped = new ApiError('unreachable', `SSH ${handshook ? 'login' : 'handshake'} with ${ep.address}:${ep.port} timed out`, { hint: handshook ? 'The server took too long to accept the login.' : 'Is it an SSH server on that port?' });
      else mapped = new ApiError('unreachable', `SSH to ${ep.address}:${ep.port} failed: ${err.message}`);
      try {
        steps.fail(handshook ? 'auth' : 'ssh', mapped);
      } catch {
        // steps.fail rethrows; the promise carries the error
      }
      reject(mapped);
    });
    // The socket may already have closed while the known types were read.
    if (sock.destroyed || (sock as net.Socket).readyState === 'closed') return closedEarly();
    sock.once('close', closedEarly);
    client.once('close', closedEarly);
    client.connect({
      sock: sock as net.Socket,
      username: ep.user,
      authHandler: authHandler(plan, ep.user),
      algorithms: { serverHostKey },
      readyTimeout: opts.timeoutMs ?? 10_000,
      // A silent link (cable out, host frozen) is declared dead after ~3 s × 2 unanswered
      // keep-alives, which fails the calls waiting on it instead of leaving them hanging.
      keepaliveInterval: 3_000,
      keepaliveCountMax: 2,
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        opts.knownHosts
          .check(ep.address, ep.port, key)
          .then((v) => {
            if (v.verdict === 'known') return verify(true);
            keyProblem = HostKeyError.from(v, { hop: ep.hop, address: ep.address, port: ep.port, keyType: keyType(key), fingerprint: fingerprint(key) }, key);
            verify(false);
          })
          .catch((err: Error) => {
            keyProblem = new ApiError('internal', `could not read the known-hosts files: ${err.message}`);
            verify(false);
          });
      },
    });
  });
}

export async function connectSsh(host: SshHostRecord, opts: ConnectOptions): Promise<SshLink> {
  const steps = new Steps(opts.onStep);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const connectMs = opts.connectTimeoutMs ?? timeoutMs;
  const plan = await authPlan(host.auth, opts.secret);
  const target: Endpoint = { address: host.address, port: host.port, user: host.user, hop: 'host' };
  const jumpEp = jumpEndpoint(host);
  let jump: Client | undefined;
  let sock: Duplex;
  if (jumpEp) {
    // The jump host gets its own login, never the target's password.
    const viaAuth = jumpAuth(host);
    if (!viaAuth) {
      throw new ApiError('auth-failed', `the jump host ${jumpEp.address} needs its own login: ${host.name} logs in with a password, which is never sent to the jump host`, {
        field: 'proxyJump.auth',
        hint: 'Edit the host and give the jump host a key, the agent, or its own password.',
      });
    }
    const jumpSecret = host.proxyJump?.auth ? opts.jumpSecret : opts.secret;
    const jumpPlan = await authPlan(viaAuth, jumpSecret, 'proxyJump.auth');
    const jumpSock = await openTcp({ ...jumpEp, hop: 'jump' }, connectMs).catch((e) => steps.fail('tcp', e));
    jump = await connectHop({ ...jumpEp, hop: 'jump' }, jumpSock, jumpPlan, viaAuth, opts, steps);
    sock = await forwardThrough(jump, target).catch((e) => {
      jump?.end();
      return steps.fail('tcp', e);
    });
    steps.pass('tcp', `reached ${host.address}:${host.port} through ${jumpEp.address}`);
  } else {
    sock = await openTcp(target, connectMs).catch((e) => steps.fail('tcp', e));
    steps.pass('tcp', `reached ${host.address}:${host.port}`);
  }
  let client: Client;
  try {
    client = await connectHop(target, sock, plan, host.auth, opts, steps);
  } catch (err) {
    jump?.end();
    throw err;
  }
  // The jump connection lives and dies with the one through it.
  if (jump) client.once('close', () => jump?.end());
  return {
    client,
    jump,
    close() {
      client.end();
      jump?.end();
    },
  };
}
