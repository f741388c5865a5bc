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
export const PROBE_SCRIPT = [
  'for t in nslookup nc ping; do command -v "$t" >/dev/null 2>&1 || { echo "missing $t"; exit 3; }; done',
  // Groups "name port ip…", separated by "--": one exec probes every target of a matrix row.
  'while [ $# -ge 2 ]; do',
  '  name="$1"; port="$2"; shift 2',
  '  for q in "$name" "tasks.$name"; do',
  '    a=$(nslookup "$q" 2>/dev/null | sed -n "/^Name:/,\\$ s/^Address[^:]*: *\\([0-9.]*\\).*/\\1/p" | tr "\\n" " ")',
  '    echo "dns $q $a"',
  '  done',
  '  while [ $# -gt 0 ] && [ "$1" != "--" ]; do',
  '    ip="$1"; shift',
  '    if [ "$port" != "-" ]; then (',
  '      t0=$(cut -d" " -f1 /proc/uptime)',
  '      m=$(nc -w 2 "$ip" "$port" </dev/null 2>&1); rc=$?',
  '      t1=$(cut -d" " -f1 /proc/uptime)',
  '      echo "tcp $ip $port $rc $t0 $t1 $(echo $m | tr "\\n" " ")"',
  '    ) & fi',
  '    ( o=$(ping -c 1 -W 2 "$ip" 2>&1); rc=$?; echo "icmp $ip $rc $(echo "$o" | grep -o "time=[0-9.]* ms" | head -n 1)" ) &',
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
}

/** argv for `sh -c`: the script, $0, then the data as separate arguments ("--" between groups). */
export function probeArgv(groups: ProbeGroup[]): string[] {
  const data = groups.flatMap((g, i) => [...(i ? ['--'] : []), g.target, g.port === undefined ? '-' : String(g.port), ...g.ips]);
  return ['-c', PROBE_SCRIPT, 'archipelago-probe', ...data];
}

export type TcpOutcome = { result: 'ok' | 'refused' | 'timeout' | 'unreachable' | 'failed'; ms?: number; detail: string };
export type IcmpOutcome = { result: 'ok' | 'failed'; ms?: number; detail: string };

export interface ProbeOutput {
  missing?: string;
  dns: Map<string, string[]>;
  tcp: Map<string, TcpOutcome>;
  icmp: Map<string, IcmpOutcome>;
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
  const out: ProbeOutput = { dns: new Map(), tcp: new Map(), icmp: new Map() };
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
    } else if (f[0] === 'icmp' && f.length >= 3) {
      const ip = f[1];
      const time = /time=([\d.]+)/.exec(line);
      const ok = f[2] === '0' && !!time;
      out.icmp.set(ip, { result: ok ? 'ok' : 'failed', ms: time ? Number(time[1]) : undefined, detail: ok ? `reply in ${time![1]} ms` : 'no reply' });
    }
  }
  return out;
}
