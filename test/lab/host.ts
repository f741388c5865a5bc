// One simulated Docker host: a network namespace on the lab bridge, with its own hostname,
// mount namespace, dockerd and sshd (LAB-NOTES traps 1, 2 and 6 shaped this file).
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, rm, writeFile, readFile, chmod } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { BOOT_SCRIPT, BRIDGE, BRIDGE_ADDRESS, LAB_KEY, dockerSocket, type LabHost } from './config';
import { LAB_IMAGES, importImages } from './images';
import { isAlive, killAll, processesOfNetns, netnsIdentity } from './processes';
import { run, succeeds, sleep, waitFor } from './sys';

export const PID_FILE = 'engine.pid';

export async function hostIsHealthy(h: LabHost): Promise<boolean> {
  if (!netnsIdentity(h.netns)) return false;
  const pid = await readPid(h);
  if (!pid || !isAlive(pid)) return false;
  // An engine without the lab images (an interrupted start) is not a usable lab host.
  if (!(await succeeds('docker', ['-H', `unix://${dockerSocket(h)}`, 'image', 'inspect', ...LAB_IMAGES.map((i) => i.tag)]))) return false;
  return tcpAnswers(h.address, 22);
}

export async function readPid(h: LabHost): Promise<number | null> {
  try {
    return Number((await readFile(path.join(h.stateDir, PID_FILE), 'utf8')).trim()) || null;
  } catch {
    return null;
  }
}

export function tcpAnswers(address: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Ends every process of the host, removes its namespace and veth, wipes its engine state. */
export async function destroyHost(h: LabHost): Promise<void> {
  // SIGKILL at once: the state is wiped anyway, and a graceful stop lets shims die first,
  // which orphans their containers out of reach of the process-tree walk.
  for (let round = 0; round < 5; round++) {
    const pids = await processesOfNetns(h.netns);
    if (pids.length === 0) break;
    await killAll(pids, 'SIGKILL');
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && pids.some(isAlive)) await sleep(50);
  }
  if (netnsIdentity(h.netns)) await run('ip', ['netns', 'del', h.netns]);
  // Deleting the namespace destroys its end of the veth pair, and the kernel removes our end a
  // moment later: a link that vanishes between the check and the delete is gone, as wanted.
  if (await succeeds('ip', ['link', 'show', h.vethRoot])) {
    await run('ip', ['link', 'del', h.vethRoot]).catch(async (err: Error) => {
      if (await succeeds('ip', ['link', 'show', h.vethRoot])) throw err;
    });
  }
  // Engine state goes with the host: the next start is a clean engine with no swarm.
  await rm(path.join(h.stateDir, 'docker'), { recursive: true, force: true });
  await rm(path.join(h.stateDir, 'run'), { recursive: true, force: true });
  await rm(path.join(h.stateDir, 'etc-docker'), { recursive: true, force: true });
  await rm(path.join(h.stateDir, PID_FILE), { force: true });
}

export type HostKeyType = 'ed25519' | 'ecdsa';

/** The host's key file of a type, made on first use (ed25519 at start; ECDSA when a variant asks). */
export async function ensureHostKey(h: LabHost, type: HostKeyType = 'ed25519'): Promise<string> {
  const key = path.join(h.stateDir, `ssh_host_${type}_key`);
  if (!existsSync(key)) await run('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', `archipelago-lab-${h.name}`, '-f', key]);
  return key;
}

export interface SshdVariant {
  /** Enables password login for root with this password (the machine's /etc/shadow is untouched). */
  password?: string;
  /** false: refuse direct-streamlocal forwarding, so clients must fall back to dial-stdio. */
  streamlocal?: boolean;
  maxSessions?: number;
  /** The host key types sshd offers (default: ed25519 only). ['ecdsa'] makes a host that presents another type. */
  hostKeys?: HostKeyType[];
  /** sshd logs at DEBUG1, which names every authentication method a client tries ("userauth-request … method password"). */
  logAuthMethods?: boolean;
  /** Keyboard-interactive login (answered with the password when PAM is off). */
  keyboardInteractive?: boolean;
}

export async function writeSshdConfig(h: LabHost, variant: SshdVariant = {}): Promise<void> {
  const pub = await readFile(`${LAB_KEY}.pub`, 'utf8');
  const authorizedKeys = path.join(h.stateDir, 'authorized_keys');
  await writeFile(authorizedKeys, pub, { mode: 0o600 });
  const hostKeys = await Promise.all((variant.hostKeys ?? ['ed25519']).map((t) => ensureHostKey(h, t)));
  const config = [
    `ListenAddress ${h.address}`,
    'Port 22',
    ...hostKeys.map((k) => `HostKey ${k}`),
    'PidFile /run/sshd.pid',
    `AuthorizedKeysFile ${authorizedKeys}`,
    `PermitRootLogin ${variant.password ? 'yes' : 'prohibit-password'}`,
    `PasswordAuthentication ${variant.password ? 'yes' : 'no'}`,
    `KbdInteractiveAuthentication ${variant.keyboardInteractive ? 'yes' : 'no'}`,
    'UsePAM no',
    `AllowStreamLocalForwarding ${variant.streamlocal === false ? 'no' : 'yes'}`,
    'AllowTcpForwarding yes',
    `MaxSessions ${variant.maxSessions ?? 10}`,
    'Subsystem sftp internal-sftp',
    `LogLevel ${variant.logAuthMethods ? 'DEBUG1' : 'VERBOSE'}`,
    '',
  ].join('\n');
  await writeFile(path.join(h.stateDir, 'sshd_config'), config, { mode: 0o600 });
}

async function wireNetwork(h: LabHost): Promise<void> {
  await run('ip', ['netns', 'add', h.netns]);
  await run('ip', ['link', 'add', h.vethRoot, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.netns]);
  await run('ip', ['link', 'set', h.vethRoot, 'master', BRIDGE, 'up']);
  const inNs = (...args: string[]) => run('ip', ['-n', h.netns, ...args]);
  await inNs('link', 'set', 'lo', 'up');
  await inNs('addr', 'add', `${h.address}/24`, 'dev', 'eth0');
  await inNs('link', 'set', 'eth0', 'up');
  // A default route lets a bare `docker swarm init` pick eth0's address, as on a real host.
  await inNs('route', 'add', 'default', 'via', BRIDGE_ADDRESS);
}

function startEngine(h: LabHost): number {
  const log = openSync(path.join(h.stateDir, 'boot.log'), 'a');
  // nsenter and unshare exec (no fork), then the boot script execs dockerd: one pid throughout.
  const child = spawn(
    'nsenter',
    [`--net=/run/netns/${h.netns}`, 'unshare', '--mount', '--uts', '--propagation', 'private', '/bin/sh', BOOT_SCRIPT, h.name, h.stateDir],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  closeSync(log);
  if (!child.pid) throw new Error(`could not start ${h.name}`);
  return child.pid;
}

export async function createHost(h: LabHost, tarballs: Map<string, Buffer>): Promise<void> {
  await destroyHost(h);
  await mkdir(path.join(h.stateDir, 'run'), { recursive: true });
  await mkdir(path.join(h.stateDir, 'docker'), { recursive: true });
  await mkdir(path.join(h.stateDir, 'etc-docker'), { recursive: true });
  await writeFile(path.join(h.stateDir, 'resolv.conf'), `nameserver ${BRIDGE_ADDRESS}\noptions timeout:1 attempts:1\n`);
  await chmod(h.stateDir, 0o755);
  // The boot script bind-mounts over these paths, so they must exist on the machine.
  await mkdir('/var/lib/docker', { recursive: true });
  await mkdir('/etc/docker', { recursive: true });
  await ensureHostKey(h);
  await writeSshdConfig(h);
  await wireNetwork(h);
  const pid = startEngine(h);
  await writeFile(path.join(h.stateDir, PID_FILE), `${pid}\n`);
  const socket = dockerSocket(h);
  await waitFor(
    `${h.name}'s dockerd (see ${path.join(h.stateDir, 'dockerd.log')})`,
    async () => {
      if (!isAlive(pid)) throw new Error(`${h.name}'s dockerd exited; see ${path.join(h.stateDir, 'dockerd.log')} and boot.log`);
      return succeeds('docker', ['-H', `unix://${socket}`, 'version']);
    },
    60_000,
  );
  await waitFor(`${h.name}'s sshd on ${h.address}:22`, () => tcpAnswers(h.address, 22), 15_000);
  await importImages(socket, tarballs);
}
