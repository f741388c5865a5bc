// Faults a lab host can be given while the app runs: firewall rules inside its namespace (they
// affect that host only, LAB-NOTES), its link cut, its dockerd restarted.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dockerSocket } from './config';
import { PID_FILE, readPid } from './host';
import { isAlive, processesOfNetns } from './processes';
import { hostByName } from './sshd';
import { run, succeeds, waitFor } from './sys';

export async function hostIptables(name: string, args: string[]): Promise<void> {
  const pid = await readPid(hostByName(name));
  if (!pid) throw new Error(`${name} is not running`);
  // -w: the xtables lock file is the machine's (only the network namespace is entered), shared
  // with every other lab running beside this one.
  await run('nsenter', ['-t', String(pid), '-n', 'iptables', '-w', ...args]);
}

/** Drops incoming TCP to a port on the host; returns the function that lifts the block. */
export async function blockTcpPort(name: string, port: number): Promise<() => Promise<void>> {
  const rule = ['INPUT', '-p', 'tcp', '--dport', String(port), '-j', 'DROP'];
  await hostIptables(name, ['-I', ...rule]);
  return () => hostIptables(name, ['-D', ...rule]);
}

/** Takes the host's cable out (its veth on the lab bridge goes down); returns the way back. */
export async function cutLink(name: string): Promise<() => Promise<void>> {
  const h = hostByName(name);
  await run('ip', ['link', 'set', h.vethRoot, 'down']);
  return async () => {
    await run('ip', ['link', 'set', h.vethRoot, 'up']);
  };
}

/** Stops the host's dockerd and starts it again in the same namespaces (its sshd keeps them alive). */
export async function restartDockerd(name: string, downMs = 0): Promise<void> {
  const h = hostByName(name);
  const pid = await readPid(h);
  if (!pid) throw new Error(`${name} is not running`);
  const comm = async (p: number) => (await readFile(`/proc/${p}/comm`, 'utf8').catch(() => '')).trim();
  let anchor: number | undefined;
  for (const p of await processesOfNetns(h.netns)) if (p !== pid && (await comm(p)) === 'sshd') anchor = anchor ?? p;
  if (!anchor) throw new Error(`${name} has no sshd to keep its namespaces`);
  process.kill(pid, 'SIGTERM');
  await waitFor(`${name}'s dockerd to stop`, async () => !isAlive(pid), 30_000);
  if (downMs) await new Promise((r) => setTimeout(r, downMs));
  const log = openSync(path.join(h.stateDir, 'dockerd.log'), 'a');
  const child = spawn('nsenter', ['-t', String(anchor), '-m', '-u', '-n', '/usr/sbin/dockerd', '--data-root', '/var/lib/docker', '--host', 'unix:///var/run/docker.sock', '--pidfile', '/run/docker.pid'], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  closeSync(log);
  await writeFile(path.join(h.stateDir, PID_FILE), `${child.pid}\n`);
  await waitFor(`${name}'s dockerd to answer again`, () => succeeds('docker', ['-H', `unix://${dockerSocket(h)}`, 'version']), 60_000);
}
