// The script of the tunnel helper: a short-lived container with the host's PID and network
// namespaces, on one node. It finds that node's dockerd (the one whose network namespace is the
// helper's own), reaches the overlay's namespace through dockerd's root
// (/proc/<pid>/root/run/docker/netns/*-<network id>), and reads the VXLAN device there:
// counters from /proc/net/dev (any busybox has that), and, with the node's own iproute2 when it
// has one, the VNI, UDP port, forwarding entries (outer destinations) and routes (outer sources),
// plus IPsec state. The script is a constant; network ids and numbers reach it as arguments.
//
// Output, one fact per line:
//   error <code> <words>            cannot run here
//   tools <ip path|-> <bridge path|->
//   absent <id> | present <id>      whether the overlay's namespace exists on this node
//   link <id> <json>                `ip -d -j link show type vxlan` in that namespace
//   fdb <id> <json>                 `bridge -j fdb show` in that namespace
//   route <dst> <json>              `ip -j route get <dst>` on the node
//   dev <id> <ifname> <rx bytes> <rx packets> <tx bytes> <tx packets>
//   xfrm <ESP states> <ESP policies> <ESP packets> <XfrmOutNoStates>   (- when unknown)
//   tick <uptime> … end             one sample of a watch
import type { IpsecReading, TunnelDevice, TunnelPeer } from '../../shared/lessons';

export const TUNNEL_SCRIPT = [
  'mode="$1"; secs="$2"; ipsec="$3"; shift 3',
  'me=$(readlink /proc/self/ns/net); D=""',
  'for p in $(pidof dockerd); do [ "$(readlink /proc/$p/ns/net 2>/dev/null)" = "$me" ] && { D=$p; break; }; done',
  '[ -n "$D" ] || { echo "error no-dockerd no dockerd process shares this host network namespace"; exit 4; }',
  'R=/proc/$D/root; IP=-; BR=-',
  // Absolute paths: busybox's nsenter would otherwise run its own applet of the same name.
  'for c in /usr/sbin/ip /sbin/ip /usr/bin/ip /bin/ip; do nsenter -t "$D" -m "$c" -V 2>/dev/null | grep -q iproute2 && { IP=$c; break; }; done',
  'for c in /usr/sbin/bridge /sbin/bridge /usr/bin/bridge /bin/bridge; do nsenter -t "$D" -m "$c" -V 2>/dev/null | grep -q "bridge utility" && { BR=$c; break; }; done',
  // /var/run is usually a link to /run, which would resolve in the helper's own root: try /run first.
  'ns() { for f in "$R"/run/docker/netns/*-"$1" "$R"/var/run/docker/netns/*-"$1"; do [ -e "$f" ] && { echo "$f"; return 0; }; done; return 1; }',
  'dev() { nsenter --net="$2" cat /proc/net/dev | sed -n "s/^ *\\(vxlan[^:]*\\): */\\1 /p" | while read -r n a b c d e f g h i j rest; do echo "dev $1 $n $a $b $i $j"; done; }',
  'xfrm() {',
  '  s=-; p=-; e=-',
  '  if [ "$IP" != - ]; then',
  '    s=$(nsenter -t "$D" -m "$IP" xfrm state 2>/dev/null | grep -c "proto esp")',
  '    p=$(nsenter -t "$D" -m "$IP" xfrm policy 2>/dev/null | grep -c "proto esp")',
  '    e=$(nsenter -t "$D" -m "$IP" -s xfrm state 2>/dev/null | sed -n "s/.*(bytes), *\\([0-9]*\\)(packets).*/\\1/p" | awk "{s+=\\$1} END {print s+0}")',
  '  fi',
  '  o=$(sed -n "s/^XfrmOutNoStates[^0-9]*\\([0-9]*\\).*/\\1/p" /proc/net/xfrm_stat 2>/dev/null)',
  '  echo "xfrm ${s:--} ${p:--} ${e:--} ${o:--}"',
  '}',
  'if [ "$mode" = facts ]; then',
  '  echo "tools $IP $BR"',
  '  for id in "$@"; do',
  '    f=$(ns "$id") || { echo "absent $id"; continue; }',
  '    echo "present $id"',
  '    [ "$IP" != - ] && echo "link $id $(nsenter --net="$f" -t "$D" -m "$IP" -d -j link show type vxlan 2>/dev/null | tr -d "\\n")"',
  '    if [ "$BR" != - ]; then',
  '      fdb=$(nsenter --net="$f" -t "$D" -m "$BR" -j fdb show 2>/dev/null | tr -d "\\n")',
  '      echo "fdb $id $fdb"',
  '      for dst in $(echo "$fdb" | grep -o "\\"dst\\":\\"[0-9a-fA-F.:]*\\"" | cut -d\\" -f4 | sort -u); do',
  '        [ "$IP" != - ] && echo "route $dst $(nsenter -t "$D" -m "$IP" -j route get "$dst" 2>/dev/null | tr -d "\\n")"',
  '      done',
  '    fi',
  '    dev "$id" "$f"',
  '  done',
  '  [ "$ipsec" = 1 ] && xfrm',
  '  exit 0',
  'fi',
  'end=$(( $(cut -d. -f1 /proc/uptime) + secs ))',
  'while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do',
  '  echo "tick $(cut -d" " -f1 /proc/uptime)"',
  '  for id in "$@"; do f=$(ns "$id") && dev "$id" "$f"; done',
  '  [ "$ipsec" = 1 ] && xfrm',
  '  echo end',
  '  sleep 1',
  'done',
  'exit 0',
].join('\n');

/** The overlay's namespace is named after the first 10 characters of the network id. */
export const netnsKey = (networkId: string) => networkId.slice(0, 10);

export function tunnelArgv(mode: 'facts' | 'watch', networkIds: string[], opts: { seconds?: number; ipsec?: boolean } = {}): string[] {
  for (const id of networkIds) if (!/^[a-z0-9]{10,64}$/.test(id)) throw new Error(`not a network id: ${id}`);
  return ['-c', TUNNEL_SCRIPT, 'archipelago-tunnel', mode, String(Math.max(1, Math.floor(opts.seconds ?? 0))), opts.ipsec ? '1' : '0', ...networkIds.map(netnsKey)];
}

export interface TunnelFacts {
  error?: string;
  tools: { ip: boolean; bridge: boolean };
  present: boolean;
  vni?: number;
  udpPort?: number;
  devices: TunnelDevice[];
  peers: TunnelPeer[];
  ipsec?: IpsecReading;
}

const num = (s: string | undefined) => (s === undefined || s === '-' || !/^\d+$/.test(s) ? undefined : Number(s));

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function parseDevice(f: string[]): TunnelDevice | undefined {
  const [rxBytes, rxPackets, txBytes, txPackets] = f.slice(3, 7).map(Number);
  if (![rxBytes, rxPackets, txBytes, txPackets].every(Number.isFinite)) return undefined;
  return { name: f[2], rxBytes, rxPackets, txBytes, txPackets };
}

export function parseIpsec(f: string[]): IpsecReading {
  return { states: num(f[1]), policies: num(f[2]), espPackets: num(f[3]), outNoStates: num(f[4]) };
}

// The shapes of iproute2's JSON output (`ip -d -j link`, `bridge -j fdb`, `ip -j route get`) that are read.
interface IpLink {
  linkinfo?: { info_kind?: string; info_data?: { id?: number; port?: number } };
}
interface FdbEntry {
  dst?: unknown;
  mac?: unknown;
}
interface RouteEntry {
  prefsrc?: unknown;
}

/** Reads the facts mode's output for one network. Lines that are not one of the forms above are ignored. */
export function parseTunnelFacts(text: string, networkId: string): TunnelFacts {
  const key = netnsKey(networkId);
  const out: TunnelFacts = { tools: { ip: false, bridge: false }, present: false, devices: [], peers: [] };
  const routes = new Map<string, string>();
  let fdb: FdbEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const rest = line.trim().slice(f.slice(0, 2).join(' ').length).trim();
    if (f[0] === 'error') out.error = f.slice(2).join(' ') || f[1];
    else if (f[0] === 'tools') out.tools = { ip: f[1] !== '-' && !!f[1], bridge: f[2] !== '-' && !!f[2] };
    else if (f[0] === 'present' && f[1] === key) out.present = true;
    else if (f[0] === 'link' && f[1] === key) {
      const links = parseJson(rest);
      const vx = Array.isArray(links) ? (links as IpLink[]).find((l) => l?.linkinfo?.info_kind === 'vxlan') : undefined;
      if (vx) {
        out.vni = num(String(vx.linkinfo?.info_data?.id));
        out.udpPort = num(String(vx.linkinfo?.info_data?.port));
      }
    } else if (f[0] === 'fdb' && f[1] === key) {
      const entries = parseJson(rest);
      fdb = Array.isArray(entries) ? (entries as FdbEntry[]) : [];
    } else if (f[0] === 'route' && f[1]) {
      const r = parseJson(rest);
      const src = Array.isArray(r) ? (r as RouteEntry[])[0]?.prefsrc : undefined;
      if (typeof src === 'string') routes.set(f[1], src);
    } else if (f[0] === 'dev' && f[1] === key) {
      const d = parseDevice(f);
      if (d) out.devices.push(d);
    } else if (f[0] === 'xfrm') out.ipsec = parseIpsec(f);
  }
  const byDst = new Map<string, number>();
  for (const e of fdb) if (typeof e?.dst === 'string' && typeof e?.mac === 'string') byDst.set(e.dst, (byDst.get(e.dst) ?? 0) + 1);
  out.peers = [...byDst].map(([dst, macs]) => ({ dst, src: routes.get(dst), macs })).sort((a, b) => a.dst.localeCompare(b.dst, 'en', { numeric: true }));
  return out;
}

/** One sample of the watch mode: the lines from `tick` to `end`. */
export interface TickSample {
  uptime: number;
  devices: Map<string, TunnelDevice[]>;
  ipsec?: IpsecReading;
}

/** Feeds the watch mode's lines one at a time; returns a sample when one is complete. */
export class TickParser {
  private current: TickSample | null = null;

  push(line: string): TickSample | null {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'tick') {
      this.current = { uptime: Number(f[1]) || 0, devices: new Map() };
    } else if (this.current && f[0] === 'dev') {
      const d = parseDevice(f);
      if (d) this.current.devices.set(f[1], [...(this.current.devices.get(f[1]) ?? []), d]);
    } else if (this.current && f[0] === 'xfrm') {
      this.current.ipsec = parseIpsec(f);
    } else if (this.current && f[0] === 'end') {
      const done = this.current;
      this.current = null;
      return done;
    }
    return null;
  }
}
