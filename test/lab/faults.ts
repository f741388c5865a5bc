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

/** Every rule a `fault` command adds carries this comment, so `fault clear` finds them all. */
const FAULT_TAG = ['-m', 'comment', '--comment', 'archipelago-fault'];

async function tagged(name: string, chain: string, rule: string[]): Promise<void> {
  await hostIptables(name, ['-I', chain, ...rule, ...FAULT_TAG, '-j', 'DROP']);
}

/**
 * A narrower path to one host: VXLAN packets (UDP 4789) longer than `pathMtu` bytes, to or from
 * it, vanish without an ICMP "fragmentation needed" (as over a VPN, or a cloud link with a small
 * MTU). The overlay then carries at most pathMtu − 50 bytes per packet to that host. A length
 * match is exact and touches only the data plane; a lower MTU on the host's veth also drops
 * swarm's own TCP between hosts and lets a few bytes more through (see the README's lab section).
 */
export async function faultMtu(name: string, pathMtu: number): Promise<void> {
  if (!Number.isInteger(pathMtu) || pathMtu < 600 || pathMtu > 1500) throw new Error(`SIZE must be a whole number of bytes from 600 to 1500, got ${pathMtu}`);
  const big = ['-p', 'udp', '--dport', '4789', '-m', 'length', '--length', `${pathMtu + 1}:65535`];
  await tagged(name, 'INPUT', big);
  await tagged(name, 'OUTPUT', big);
}

/** Drops one UDP port to and from one host (incoming and outgoing datagrams, either port side). */
export async function faultUdp(name: string, port: number): Promise<void> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PORT must be 1-65535, got ${port}`);
  for (const dir of ['--dport', '--sport']) {
    await tagged(name, 'INPUT', ['-p', 'udp', dir, String(port)]);
    await tagged(name, 'OUTPUT', ['-p', 'udp', dir, String(port)]);
  }
}

/** Cuts one host off swarm's gossip (TCP and UDP 7946, both ways): it stops hearing about tasks. */
export async function faultGossip(name: string): Promise<void> {
  for (const proto of ['tcp', 'udp']) {
    for (const dir of ['--dport', '--sport']) {
      await tagged(name, 'INPUT', ['-p', proto, dir, '7946']);
      await tagged(name, 'OUTPUT', ['-p', proto, dir, '7946']);
    }
  }
}

/** Removes every rule a `fault` command added on one host; returns how many there were. */
export async function clearFaults(name: string): Promise<number> {
  const pid = await readPid(hostByName(name));
  if (!pid) throw new Error(`${name} is not running`);
  const { stdout } = await run('nsenter', ['-t', String(pid), '-n', 'iptables', '-w', '-S']);
  const rules = stdout.split('\n').filter((l) => l.startsWith('-A ') && l.includes('archipelago-fault'));
  for (const rule of rules) {
    // `iptables -S` prints each rule as it was added: the same words after -D delete it.
    const words = rule.slice(3).match(/"[^"]*"|\S+/g)!.map((w) => w.replace(/^"|"$/g, ''));
    await hostIptables(name, ['-D', ...words]);
  }
  return rules.length;
}
