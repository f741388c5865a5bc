// The probe that runs inside a task's network namespace. The script is a constant: names, IPs
// and ports reach it only as positional arguments ("$@"), never spliced into its text, so no
// input can become shell code. It needs sh, nslookup, nc and ping (busybox has them all).
//
// Output, one line per fact (each written with one echo, so parallel probes never interleave
// inside a line):
//   missing <tool>                      a tool is absent (exit 3): use a helper container
//   dns <name> <addr> <addr>…           what a name resolves to (nothing after it: no answer)
//   tcp <ip> <port> <rc> <t0> <t1> <message>   nc's exit code, /proc/uptime before and after
//   icmp <ip> <rc> <ping output's time=… or loss line>
//   big <ip> <mtu> <largest size that passed> <smallest that failed, or ->
//                                       large packets, only to addresses written "+MTU:IP" and
//                                       only once the small ping passed (sizes are whole IP
//                                       packets; ping's payload is 28 bytes less)
export const PROBE_SCRIPT = [
  // The overlay's MTU first (one packet, retried once so a single loss is not a black hole).
  // Only when it fails: two rounds of parallel pings at eight sizes each, narrowing the gap
  // between the largest size that passed and the smallest that failed to under 1/64 of it.
  'big() {',
  '  ip="$1"; hi="$2"',
  '  if ping -c 1 -W 1 -s $((hi-28)) "$ip" >/dev/null 2>&1 || ping -c 1 -W 1 -s $((hi-28)) "$ip" >/dev/null 2>&1; then echo "big $ip $2 $hi -"; return; fi',
  '  lo=576',
  '  for round in 1 2; do',
  '    step=$(( (hi-lo)/8 )); [ $step -lt 1 ] && step=1',
  '    sizes=""; s=$lo; while [ $s -lt $hi ]; do sizes="$sizes $s"; s=$((s+step)); done',
  '    ok=$(for s in $sizes; do ( ping -c 1 -W 1 -s $((s-28)) "$ip" >/dev/null 2>&1 && echo $s ) & done; wait)',
  '    best=$(for s in $ok; do echo $s; done | sort -n | tail -n 1)',
  '    [ -z "$best" ] && { echo "big $ip $2 0 $lo"; return; }',
  '    lo=$best; [ $((best+step)) -lt $hi ] && hi=$((best+step))',
  '  done',
  '  echo "big $ip $2 $lo $hi"',
  '}',
  'for t in nslookup nc ping; do command -v "$t" >/dev/null 2>&1 || { echo "missing $t"; exit 3; }; done',
  // Groups "name port ip…", separated by "--": one exec probes every target of a matrix row.
  'while [ $# -ge 2 ]; do',
  '  name="$1"; port="$2"; shift 2',
  '  for q in "$name" "tasks.$name"; do',
  '    a=$(nslookup "$q" 2>/dev/null | sed -n "/^Name:/,\\$ s/^Address[^:]*: *\\([0-9.]*\\).*/\\1/p" | tr "\\n" " ")',
  '    echo "dns $q $a"',
  '  done',
  '  while [ $# -gt 0 ] && [ "$1" != "--" ]; do',
  '    ip="$1"; mtu=; shift',
  '    case "$ip" in +*:*) mtu="${ip%%:*}"; mtu="${mtu#+}"; ip="${ip#*:}";; esac',
  '    if [ "$port" != "-" ]; then (',
  '      t0=$(cut -d" " -f1 /proc/uptime)',
  '      m=$(nc -w 2 "$ip" "$port" </dev/null 2>&1); rc=$?',
  '      t1=$(cut -d" " -f1 /proc/uptime)',
  '      echo "tcp $ip $port $rc $t0 $t1 $(echo $m | tr "\\n" " ")"',
  '    ) & fi',
  '    ( o=$(ping -c 1 -W 2 "$ip" 2>&1); rc=$?; echo "icmp $ip $rc $(echo "$o" | grep -o "time=[0-9.]* ms" | head -n 1)"',
  '      if [ $rc = 0 ] && [ -n "$mtu" ]; then big "$ip" "$mtu"; fi ) &',
  '  done',
  '  [ $# -gt 0 ] && shift',
  'done',
  'wait',
].join('\n');

/** One target of a probe: its name, the port to try (none: ICMP only) and the addresses to try. */
export interface ProbeGroup {
  target: string;
  port?: number;
  ips: string[];
  /** Addresses (among ips) also probed with large packets up to this size, the overlay's MTU. */
  large?: { mtu: number; ips: string[] };
}

/** argv for `sh -c`: the script, $0, then the data as separate arguments ("--" between groups). */
export function probeArgv(groups: ProbeGroup[]): string[] {
  const data = groups.flatMap((g, i) => [...(i ? ['--'] : []), g.target, g.port === undefined ? '-' : String(g.port), ...g.ips.map((ip) => (g.large?.ips.includes(ip) ? `+${g.large.mtu}:${ip}` : ip))]);
  return ['-c', PROBE_SCRIPT, 'archipelago-probe', ...data];
}

export type TcpOutcome = { result: 'ok' | 'refused' | 'timeout' | 'unreachable' | 'failed'; ms?: number; detail: string };
export type IcmpOutcome = { result: 'ok' | 'failed'; ms?: number; detail: string };
/** Large packets to one address: the overlay's MTU tried, the largest size that passed, the smallest that failed. */
export type LargeOutcome = { mtu: number; largest: number; smallestFailed?: number };

export interface ProbeOutput {
  missing?: string;
  dns: Map<string, string[]>;
  tcp: Map<string, TcpOutcome>;
  icmp: Map<string, IcmpOutcome>;
  large: Map<string, LargeOutcome>;
}

function tcpResult(rc: number, message: string): TcpOutcome['result'] {
  if (rc === 0) return 'ok';
  if (/refused/i.test(message)) return 'refused';
  if (/no route|unreachable/i.test(message)) return 'unreachable';
  if (/timed? ?out/i.test(message)) return 'timeout';
  return 'failed';
}

/** Parses the probe's output strictly: lines that are not one of the forms above are ignored. */
export function parseProbeOutput(text: string): ProbeOutput {
  const out: ProbeOutput = { dns: new Map(), tcp: new Map(), icmp: new Map(), large: new Map() };
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'missing' && f[1]) out.missing = f[1];
    else if (f[0] === 'dns' && f[1]) out.dns.set(f[1], f.slice(2).filter((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a)));
    else if (f[0] === 'tcp' && f.length >= 6) {
      const [, ip, , rcText, t0, t1] = f;
      const message = f.slice(6).join(' ');
      const rc = Number(rcText);
      const ms = Math.max(0, Math.round((Number(t1) - Number(t0)) * 1000));
      const result = tcpResult(rc, message);
      out.tcp.set(ip, { result, ms: result === 'ok' ? ms : undefined, detail: message || (rc === 0 ? 'connected' : `nc exited with ${rc}`) });
    } else if (f[0] === 'big' && f.length >= 5 && [f[2], f[3]].every((x) => /^\d+$/.test(x))) {
      out.large.set(f[1], { mtu: Number(f[2]), largest: Number(f[3]), smallestFailed: /^\d+$/.test(f[4]) ? Number(f[4]) : undefined });
    } else if (f[0] === 'icmp' && f.length >= 3) {
      const ip = f[1];
      const time = /time=([\d.]+)/.exec(line);
      const ok = f[2] === '0' && !!time;
      out.icmp.set(ip, { result: ok ? 'ok' : 'failed', ms: time ? Number(time[1]) : undefined, detail: ok ? `reply in ${time![1]} ms` : 'no reply' });
    }
  }
  return out;
}
