// Finds every process that belongs to a lab host: those in its network namespace, plus
// their descendants (containers live in namespaces of their own, under containerd shims).
import { readdir, readFile, readlink } from 'node:fs/promises';
import { statSync } from 'node:fs';

interface Proc {
  pid: number;
  ppid: number;
  netns: string | null;
}

async function listProcesses(): Promise<Proc[]> {
  const out: Proc[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // The command name may contain spaces and parentheses: the ppid follows the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const netns = await readlink(`/proc/${entry}/ns/net`).catch(() => null);
      out.push({ pid: Number(entry), ppid, netns });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** The kernel's identity of a named netns, as `/proc/PID/ns/net` shows it: `net:[inode]`. */
export function netnsIdentity(netnsName: string): string | null {
  try {
    return `net:[${statSync(`/run/netns/${netnsName}`).ino}]`;
  } catch {
    return null;
  }
}

export async function processesOfNetns(netnsName: string): Promise<number[]> {
  const identity = netnsIdentity(netnsName);
  if (!identity) return [];
  const procs = await listProcesses();
  const members = new Set(procs.filter((p) => p.netns === identity).map((p) => p.pid));
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (!members.has(p.pid) && members.has(p.ppid)) {
        members.add(p.pid);
        grew = true;
      }
    }
  }
  members.delete(process.pid);
  return [...members];
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function killAll(pids: number[], signal: NodeJS.Signals): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
