// Opens one SSH connection to a host, verifying its key, and maps every way it can fail
// to an ApiError with a status the UI understands and a next step.
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { Client } from 'ssh2';
import { ApiError } from '../../shared/errors';
import type { HostRecord } from '../hosts/host-record';
import { fingerprint } from './host-key';
import type { KnownHosts } from './known-hosts';

const CONNECT_TIMEOUT_MS = 10_000;

export function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

async function readPrivateKey(keyPath: string): Promise<Buffer> {
  const file = expandHome(keyPath);
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ApiError('auth-failed', `cannot read the private key ${file} (${code})`, {
      field: 'auth.keyPath',
      hint: code === 'ENOENT' ? 'Check the path; keys usually live in ~/.ssh/.' : 'Check that this user may read the file.',
    });
  }
}

/** TCP first, with no-delay: Nagle plus delayed ACK stalls small Docker calls by ~40 ms. */
function openTcp(host: HostRecord): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: host.address, port: host.port });
    sock.setNoDelay(true);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new ApiError('unreachable', `no answer from ${host.address}:${host.port} within ${CONNECT_TIMEOUT_MS / 1000} s`, { hint: 'Check the address and port, and that a firewall lets SSH through.' }));
    }, CONNECT_TIMEOUT_MS);
    sock.once('connect', () => {
      clearTimeout(timer);
      resolve(sock);
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new ApiError('unreachable', `cannot reach ${host.address}:${host.port}: ${err.code ?? err.message}`, { hint: 'Check the address and port, that sshd runs there, and that a firewall lets SSH through.', cause: err }));
    });
  });
}

export async function connectSsh(host: HostRecord, knownHosts: KnownHosts): Promise<Client> {
  const privateKey = await readPrivateKey(host.auth.keyPath);
  const sock = await openTcp(host);
  const client = new Client();
  let keyProblem: ApiError | null = null;

  return new Promise<Client>((resolve, reject) => {
    client.once('ready', () => resolve(client));
    client.once('error', (err: Error & { level?: string }) => {
      sock.destroy();
      if (keyProblem) return reject(keyProblem);
      if (err.level === 'client-authentication') {
        return reject(new ApiError('auth-failed', `${host.user}@${host.address} refused the key ${host.auth.keyPath}`, { hint: `Add the public key to ~${host.user}/.ssh/authorized_keys on the host, or check the user name.` }));
      }
      if (err.level === 'client-timeout') {
        return reject(new ApiError('unreachable', `SSH handshake with ${host.address}:${host.port} timed out`, { hint: 'Is it an SSH server on that port?' }));
      }
      reject(new ApiError('unreachable', `SSH to ${host.address}:${host.port} failed: ${err.message}`, { cause: err }));
    });
    client.connect({
      sock,
      username: host.user,
      privateKey,
      readyTimeout: CONNECT_TIMEOUT_MS,
      keepaliveInterval: 10_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        knownHosts
          .check(host.address, host.port, key)
          .then(async (verdict) => {
            if (verdict === 'changed') {
              keyProblem = new ApiError('host-key-changed', `the host key of ${host.address}:${host.port} has changed (now ${fingerprint(key)})`, {
                hint: 'Someone may be intercepting the connection, or the host was reinstalled. Verify the new fingerprint with the host’s administrator before trusting it.',
              });
              return verify(false);
            }
            if (verdict === 'unknown') await knownHosts.add(host.address, host.port, key);
            verify(true);
          })
          .catch((err) => {
            keyProblem = new ApiError('internal', `could not check the host key: ${(err as Error).message}`);
            verify(false);
          });
      },
    });
  });
}
