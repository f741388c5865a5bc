// A host's IP addresses, to pick the swarm advertise address from (the commonest swarm
// mistake is advertising an address the other nodes cannot reach).
import os from 'node:os';
import type { HostAddress } from '../../shared/model';
import type { LiveLink } from '../hosts/dialers';
import type { HostRecord } from '../hosts/host-record';

// Fixed text: no part of it comes from the user. $SSH_CONNECTION names the address we reached.
const ADDRESSES_COMMAND = 'ip -o addr show 2>/dev/null; echo "SSH_CONNECTION=$SSH_CONNECTION"';

/** Interfaces that never carry swarm traffic between hosts. */
const IGNORED = /^(lo|docker0|docker_gwbridge|veth.*|br-.*|vx-.*|ov-.*)$/;

export function parseIpAddr(output: string): { addresses: Omit<HostAddress, 'recommended'>[]; reachedAt?: string } {
  const addresses: Omit<HostAddress, 'recommended'>[] = [];
  let reachedAt: string | undefined;
  for (const line of output.split('\n')) {
    const conn = /^SSH_CONNECTION=\S+ \S+ (\S+) \S+/.exec(line);
    if (conn) reachedAt = conn[1];
    const m = /^\d+:\s+(\S+)\s+(inet6?)\s+([0-9a-fA-F.:]+)\/(\d+)/.exec(line);
    if (!m) continue;
    const [, iface, kind, address, prefix] = m;
    if (IGNORED.test(iface.replace(/@.*$/, '')) || address.startsWith('fe80:') || address === '::1') continue;
    addresses.push({ iface: iface.replace(/@.*$/, ''), address, prefix: Number(prefix), family: kind === 'inet' ? 'IPv4' : 'IPv6' });
  }
  return { addresses, reachedAt };
}

export async function hostAddresses(host: HostRecord, link: LiveLink): Promise<HostAddress[]> {
  let found: ReturnType<typeof parseIpAddr>;
  if (host.kind === 'ssh' && link.exec) {
    found = parseIpAddr(await link.exec(ADDRESSES_COMMAND));
  } else {
    const addresses = Object.entries(os.networkInterfaces()).flatMap(([iface, list]) =>
      (list ?? []).filter((a) => !a.internal && !IGNORED.test(iface) && !a.address.startsWith('fe80:')).map((a) => ({ iface, address: a.address, prefix: Number(a.cidr?.split('/')[1] ?? 0), family: a.family as 'IPv4' | 'IPv6' })),
    );
    found = { addresses };
  }
  const reached = found.reachedAt ?? (host.kind === 'ssh' ? host.address : undefined);
  const list = found.addresses.map((a) => ({ ...a, recommended: a.address === reached }));
  // With nothing matching, the first IPv4 address is the likeliest choice.
  if (!list.some((a) => a.recommended)) {
    const first = list.find((a) => a.family === 'IPv4');
    if (first) first.recommended = true;
  }
  return list.sort((a, b) => Number(b.recommended) - Number(a.recommended));
}
