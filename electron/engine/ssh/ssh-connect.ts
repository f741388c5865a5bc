// Opens an authenticated SSH connection to a host (through one ProxyJump hop if set),
// verifying every hop's host key, and reports each step (TCP, SSH, auth) as it passes.
// Every way it can fail becomes an ApiError with a status the UI understands and a next step.
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { readFile } from 'node:fs/promises';
import ssh2, { type Client as SshClient, type ConnectConfig } from 'ssh2';
import { ApiError } from '../../shared/errors';
import type { TestStep, TestStepName } from '../../shared/model';
import { jumpEndpoint, type SshHostRecord, type StoredAuth } from '../hosts/host-record';
import { fingerprint, keyType } from './host-key';
import { HostKeyError } from './host-key-error';
import type { KnownHosts } from './known-hosts';

export interface ConnectOptions {
  knownHosts: KnownHosts;
  /** The host's password or key passphrase, if its auth needs one. */
  secret?: string;
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
const { Client, utils } = ssh2;
type Client = SshClient;

export function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

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

/** Reads and decrypts the key first, so a wrong path or passphrase is named before any network. */
async function privateKeyOptions(auth: Extract<StoredAuth, { kind: 'key' }>, secret: string | undefined): Promise<Partial<ConnectConfig>> {
  const file = expandHome(auth.keyPath);
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ApiError('auth-failed', `cannot read the private key ${file} (${code})`, {
      field: 'auth.keyPath',
      hint: code === 'ENOENT' ? 'Check the path; keys usually live in ~/.ssh/.' : 'Check that this user may read the file.',
    });
  }
  const parsed = utils.parseKey(data, secret);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    if (encrypted && !secret) {
      throw new ApiError('auth-failed', `the private key ${file} is protected by a passphrase`, { field: 'auth.passphrase', hint: 'Edit the host and enter the key’s passphrase.' });
    }
    throw new ApiError('auth-failed', encrypted ? `the passphrase for ${file} is wrong` : `${file} is not a private key ssh can use (${parsed.message})`, {
      field: encrypted ? 'auth.passphrase' : 'auth.keyPath',
      hint: encrypted ? 'Edit the host and enter the passphrase again.' : 'Point to the private key (not the .pub file).',
    });
  }
  return { privateKey: data, passphrase: secret };
}

async function authOptions(auth: StoredAuth, secret: string | undefined): Promise<Partial<ConnectConfig>> {
  switch (auth.kind) {
    case 'key':
      return privateKeyOptions(auth, secret);
    case 'agent': {
      const agent = auth.socketPath ?? process.env.SSH_AUTH_SOCK;
      if (!agent) throw new ApiError('auth-failed', 'no ssh-agent to ask: SSH_AUTH_SOCK is not set where Archipelago runs', { hint: 'Start ssh-agent and ssh-add your key before starting Archipelago, or use a key file.' });
      return { agent: expandHome(agent) };
    }
    case 'password':
      if (!secret) {
        throw new ApiError('auth-failed', 'this host logs in with a password, and Archipelago does not have it', {
          field: 'auth.password',
          hint: 'Edit the host and enter the password. In browser mode passwords are kept in memory only, so they are asked again after a restart.',
        });
      }
      return { password: secret, tryKeyboard: true };
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

function authFailure(ep: Endpoint, auth: StoredAuth): ApiError {
  const who = `${ep.user}@${ep.address}`;
  switch (auth.kind) {
    case 'key':
      return new ApiError('auth-failed', `${who} refused the key ${auth.keyPath}`, { hint: `Add the public key to ~${ep.user}/.ssh/authorized_keys on the host, or check the user name.` });
    case 'agent':
      return new ApiError('auth-failed', `${who} refused every key the ssh-agent offered`, { hint: 'ssh-add the right key, or check the user name.' });
    case 'password':
      return new ApiError('auth-failed', `${who} refused the password`, { field: 'auth.password', hint: 'Check the password and the user name, and that the host allows password login (PasswordAuthentication).' });
  }
}

async function connectHop(ep: Endpoint, sock: Duplex, auth: Partial<ConnectConfig>, storedAuth: StoredAuth, opts: ConnectOptions, steps: Steps): Promise<Client> {
  const client = new Client();
  let keyProblem: Error | null = null;
  return new Promise<Client>((resolve, reject) => {
    let handshook = false;
    client.once('handshake', () => {
      handshook = true;
      steps.pass('ssh', `${ep.hop === 'jump' ? 'jump host ' : ''}SSH handshake done, host key trusted`);
    });
    client.once('ready', () => {
      steps.pass('auth', `logged in as ${ep.user}${ep.hop === 'jump' ? ' on the jump host' : ''}`);
      resolve(client);
    });
    client.on('keyboard-interactive', (_name, _instr, _lang, prompts, finish) => {
      // Servers that only offer keyboard-interactive ask for the password this way.
      finish(prompts.map(() => (auth.password as string | undefined) ?? ''));
    });
    client.once('error', (err: Error & { level?: string }) => {
      sock.destroy();
      let mapped: Error;
      if (keyProblem) mapped = keyProblem;
      else if (err.level === 'client-authentication') mapped = authFailure(ep, storedAuth);
      else if (err.level === 'client-timeout') mapped = new ApiError('unreachable', `SSH ${handshook ? 'login' : 'handshake'} with ${ep.address}:${ep.port} timed out`, { hint: handshook ? 'The server took too long to accept the login.' : 'Is it an SSH server on that port?' });
      else mapped = new ApiError('unreachable', `SSH to ${ep.address}:${ep.port} failed: ${err.message}`);
      try {
        steps.fail(handshook ? 'auth' : 'ssh', mapped);
      } catch {
        // steps.fail rethrows; the promise carries the error
      }
      reject(mapped);
    });
    client.connect({
      sock: sock as net.Socket,
      username: ep.user,
      ...auth,
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
  const auth = await authOptions(host.auth, opts.secret);
  const target: Endpoint = { address: host.address, port: host.port, user: host.user, hop: 'host' };
  const jumpEp = jumpEndpoint(host);
  let jump: Client | undefined;
  let sock: Duplex;
  if (jumpEp) {
    const jumpSock = await openTcp({ ...jumpEp, hop: 'jump' }, connectMs).catch((e) => steps.fail('tcp', e));
    jump = await connectHop({ ...jumpEp, hop: 'jump' }, jumpSock, auth, host.auth, opts, steps);
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
    client = await connectHop(target, sock, auth, host.auth, opts, steps);
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
