// Variants and faults of a lab host's sshd, for the tests of the SSH layer: password login,
// streamlocal refused, a low MaxSessions, a new host key, sshd killed and restarted.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { labHost, type LabHost } from './config';
import { readPid, tcpAnswers, writeSshdConfig, type SshdVariant } from './host';
import { isAlive, killAll, processesOfNetns } from './processes';
import { run, sleep, waitFor } from './sys';

export function hostByName(name: string): LabHost {
  const m = /^h(\d+)$/.exec(name);
  if (!m) throw new Error(`no lab host named ${name} (they are h1, h2, …)`);
  return labHost(Number(m[1]));
}

/** Runs a command inside the host's own namespaces (network, mount, UTS). */
async function inHost(h: LabHost, args: string[]): Promise<string> {
  const pid = await readPid(h);
  if (!pid || !isAlive(pid)) throw new Error(`${h.name} is not running: npm run lab -- up`);
  return (await run('nsenter', ['-t', String(pid), '-n', '-m', '-u', ...args])).stdout;
}

async function sshdPids(h: LabHost): Promise<number[]> {
  const pids = await processesOfNetns(h.netns);
  const out: number[] = [];
  for (const pid of pids) {
    const exe = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
    if (exe.trim() === 'sshd') out.push(pid);
  }
  return out;
}

/** Kills every sshd process of the host: the listener and each open connection's. */
export async function stopSshd(name: string): Promise<void> {
  const h = hostByName(name);
  const pids = await sshdPids(h);
  await killAll(pids, 'SIGKILL');
  await waitFor(`${name}'s sshd to stop`, async () => !(await tcpAnswers(h.address, 22, 300)), 5000);
}

export async function startSshd(name: string): Promise<void> {
  const h = hostByName(name);
  await inHost(h, ['/usr/sbin/sshd', '-f', path.join(h.stateDir, 'sshd_config'), '-E', path.join(h.stateDir, 'sshd.log')]);
  await waitFor(`${name}'s sshd on ${h.address}:22`, () => tcpAnswers(h.address, 22), 5000, 50);
}

/** Restarts only the listener, so connections already open stay up (as a config reload does). */
async function restartListener(h: LabHost): Promise<void> {
  const pidText = await readFile(path.join(h.stateDir, 'run', 'sshd.pid'), 'utf8').catch(() => '');
  const pid = Number(pidText.trim());
  if (pid && isAlive(pid)) {
    process.kill(pid, 'SIGTERM');
    while (isAlive(pid)) await sleep(20);
  }
  await startSshd(h.name);
}

/** Reconfigures the host's sshd; `{}` restores the default configuration. */
export async function setSshdVariant(name: string, variant: SshdVariant): Promise<void> {
  const h = hostByName(name);
  await writeSshdConfig(h, variant);
  if (variant.password) {
    // A lab-made shadow file with root's hash replaced, bind-mounted in the host's namespace only.
    const hash = (await run('openssl', ['passwd', '-6', '-stdin'], { input: `${variant.password}\n` })).stdout.trim();
    const shadow = (await readFile('/etc/shadow', 'utf8')).replace(/^root:[^:]*:/m, `root:${hash}:`);
    const copy = path.join(h.stateDir, 'shadow');
    await writeFile(copy, shadow, { mode: 0o600 });
    await inHost(h, ['sh', '-c', 'umount /etc/shadow 2>/dev/null; true']);
    await inHost(h, ['mount', '--bind', copy, '/etc/shadow']);
  } else {
    await inHost(h, ['sh', '-c', 'umount /etc/shadow 2>/dev/null; true']);
  }
  await restartListener(h);
}

/** Gives the host a new host key, as a reinstall would. */
export async function rekeyHost(name: string): Promise<void> {
  const h = hostByName(name);
  const key = path.join(h.stateDir, 'ssh_host_ed25519_key');
  await rm(key, { force: true });
  await rm(`${key}.pub`, { force: true });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `archipelago-lab-${h.name}`, '-f', key]);
  await restartListener(h);
}

/** Lets one more public key log in as root on the host (until its sshd is reconfigured). */
export async function authorizeKey(name: string, publicKey: string): Promise<void> {
  const h = hostByName(name);
  const file = path.join(h.stateDir, 'authorized_keys');
  const current = await readFile(file, 'utf8');
  await writeFile(file, `${current.trimEnd()}\n${publicKey.trim()}\n`, { mode: 0o600 });
}

/** The SHA256 fingerprint of one of the host's key files, as ssh-keygen -lf prints it. */
export async function hostKeyFingerprint(name: string, type: 'ed25519' | 'ecdsa'): Promise<string> {
  const h = hostByName(name);
  return (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(h.stateDir, `ssh_host_${type}_key.pub`)])).stdout.split(' ')[1];
}

/** The host's sshd log (appended to across restarts): read its length first, then what came after. */
export async function sshdLog(name: string, from = 0): Promise<string> {
  const text = await readFile(path.join(hostByName(name).stateDir, 'sshd.log'), 'utf8').catch(() => '');
  return text.slice(from);
}

/**
 * Every authentication request sshd logged (needs the `logAuthMethods` variant): who asked, for
 * which user, with which method ("none", "publickey", "password", "keyboard-interactive").
 */
export function authRequests(log: string): { user: string; method: string }[] {
  return [...log.matchAll(/userauth-request for user (\S+) service ssh-connection method (\S+)/g)].map((m) => ({ user: m[1], method: m[2] }));
}
