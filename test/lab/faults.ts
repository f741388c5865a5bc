// Firewall faults inside one lab host's network namespace (LAB-NOTES: they affect that host only).
import { readPid } from './host';
import { hostByName } from './sshd';
import { run } from './sys';

export async function hostIptables(name: string, args: string[]): Promise<void> {
  const pid = await readPid(hostByName(name));
  if (!pid) throw new Error(`${name} is not running`);
  await run('nsenter', ['-t', String(pid), '-n', 'iptables', ...args]);
}

/** Drops incoming TCP to a port on the host; returns the function that lifts the block. */
export async function blockTcpPort(name: string, port: number): Promise<() => Promise<void>> {
  const rule = ['INPUT', '-p', 'tcp', '--dport', String(port), '-j', 'DROP'];
  await hostIptables(name, ['-I', ...rule]);
  return () => hostIptables(name, ['-D', ...rule]);
}
