// The underlay probe that runs on one host, in a short-lived helper with the host's network
// (and PID namespace, to find that host's dockerd). A constant script; addresses and ports are
// its arguments. Output, one line per fact:
//   bound <port> <port>…                 UDP ports something listens on here (netstat -uln)
//   udp <addr> <port> reached|silent|rejected <traceroute's last line>
//        One UDP datagram to addr:port (traceroute's probe; it aims at base+1). A host where
//        nothing listens answers "port unreachable", so "reached" means the datagram arrived;
//        "silent" means it vanished (a firewall dropping it, or something taking it without a
//        word), "rejected" an ICMP "administratively prohibited" on the way.
//   overlay <addr> ok|failed             a ping from this node's ingress namespace to another
//        node's (through VXLAN, UDP 4789, there and back): for nodes already in the swarm, whose
//        ports are the swarm's own.
export const UNDERLAY_SCRIPT = [
  'me=$(readlink /proc/self/ns/net)',
  'echo "bound $(netstat -uln 2>/dev/null | awk \'NR>2 {n=split($4,a,":"); print a[n]}\' | sort -un | tr "\\n" " ")"',
  'probe() { traceroute -n -q 1 -w 2 -f 16 -m 16 -p $(($2-1)) "$1" 2>&1 | tail -n 1; }',
  'while [ $# -ge 2 ]; do',
  '  kind="$1"; addr="$2"; shift 2',
  '  if [ "$kind" = u ]; then port="$1"; shift; (',
  '    o=$(probe "$addr" "$port"); case "$o" in *"$addr"*"!"*) r=rejected;; *"$addr"*) r=reached;; *) o=$(probe "$addr" "$port"); case "$o" in *"$addr"*"!"*) r=rejected;; *"$addr"*) r=reached;; *) r=silent;; esac;; esac',
  '    echo "udp $addr $port $r $(echo $o)"',
  '  ) & else (',
  '    D=; for p in $(pidof dockerd); do [ "$(readlink /proc/$p/ns/net 2>/dev/null)" = "$me" ] && { D=$p; break; }; done',
  '    if [ -n "$D" ] && nsenter --net=/proc/$D/root/run/docker/netns/ingress_sbox ping -c 2 -W 2 "$addr" >/dev/null 2>&1; then echo "overlay $addr ok"; else echo "overlay $addr failed"; fi',
  '  ) & fi',
  'done',
  'wait',
].join('\n');

export type UnderlayProbe = { kind: 'udp'; addr: string; port: number } | { kind: 'overlay'; addr: string };

export function underlayArgv(probes: UnderlayProbe[]): string[] {
  return ['-c', UNDERLAY_SCRIPT, 'archipelago-underlay', ...probes.flatMap((p) => (p.kind === 'udp' ? ['u', p.addr, String(p.port)] : ['i', p.addr]))];
}

export interface UnderlayOutput {
  bound: number[];
  udp: Map<string, { result: 'reached' | 'silent' | 'rejected'; detail: string }>;
  overlay: Map<string, boolean>;
}

export function parseUnderlay(text: string): UnderlayOutput {
  const out: UnderlayOutput = { bound: [], udp: new Map(), overlay: new Map() };
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'bound') out.bound = f.slice(1).map(Number).filter((n) => Number.isInteger(n) && n > 0);
    else if (f[0] === 'udp' && f.length >= 4 && ['reached', 'silent', 'rejected'].includes(f[3])) out.udp.set(`${f[1]}:${f[2]}`, { result: f[3] as 'reached', detail: f.slice(4).join(' ') });
    else if (f[0] === 'overlay' && f.length >= 3) out.overlay.set(f[1], f[2] === 'ok');
  }
  return out;
}
