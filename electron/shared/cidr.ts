// Subnet arithmetic for validating overlay networks (shared with the renderer's forms).
import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

function parse(cidr: string): Range | null {
  try {
    return ipaddr.parseCIDR(cidr);
  } catch {
    return null;
  }
}

export function cidrContainsIp(cidr: string, ip: string): boolean {
  const range = parse(cidr);
  if (!range || !ipaddr.isValid(ip)) return false;
  const addr = ipaddr.parse(ip);
  return addr.kind() === range[0].kind() && addr.match(range);
}

/** Is `inner` wholly inside `outer`? */
export function cidrContainsCidr(outer: string, inner: string): boolean {
  const a = parse(outer);
  const b = parse(inner);
  return Boolean(a && b && b[1] >= a[1] && b[0].kind() === a[0].kind() && b[0].match(a));
}

export function cidrsOverlap(x: string, y: string): boolean {
  const a = parse(x);
  const b = parse(y);
  if (!a || !b || a[0].kind() !== b[0].kind()) return false;
  return a[0].match(b) || b[0].match(a);
}
