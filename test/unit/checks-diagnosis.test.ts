// The diagnosis and the probe parser are pure: every verdict is checked here without a cluster.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { CheckPair, CheckSource } from '../../electron/shared/model';
import { diagnose, type DiagnosisInput } from '../../electron/engine/checks/diagnosis';
import { parseProbeOutput, probeArgv, PROBE_SCRIPT } from '../../electron/engine/checks/probe-script';

const ok = { result: 'ok' as const, ms: 0.2, detail: '' };
const bad = { result: 'failed' as const, detail: 'no reply' };
function pair(src: string, dst: string, reachable: boolean, extra: Partial<CheckPair> = {}): CheckPair {
  return { sourceTask: `a.${src}`, sourceNode: src, target: `b.${dst}`, targetIp: `10.0.0.${dst.slice(1)}`, targetNode: dst, kind: 'task', sameHost: src === dst, tcp: reachable ? ok : { result: 'timeout', detail: 'nc: timed out' }, icmp: reachable ? ok : bad, reachable, latencyMs: reachable ? 0.2 : undefined, ...extra };
}
const sources: CheckSource[] = ['h1', 'h2', 'h3'].map((n) => ({ task: `a.${n}`, node: n, via: 'exec', dns: [{ name: 'b', addresses: ['10.0.0.1'] }] }));
const base: DiagnosisInput = { from: 'a', to: 'b', port: 80, endpointMode: 'dnsrr', network: { name: 'appnet', encrypted: false }, sourceTasks: 3, targetTasks: 3, sources, pairs: [] };
const grid = (fails: (s: string, d: string) => boolean) => ['h1', 'h2', 'h3'].flatMap((s) => ['h1', 'h2', 'h3'].map((d) => pair(s, d, !fails(s, d))));

describe('diagnosis', () => {
  it('all pairs answering is reachable', () => {
    expect(diagnose({ ...base, pairs: grid(() => false) }).verdict).toMatchObject({ level: 'ok', code: 'reachable' });
  });
  it('failures only between hosts, all involving h3, point at the underlay on h3', () => {
    const { verdict } = diagnose({ ...base, pairs: grid((s, d) => s !== d && (s === 'h3' || d === 'h3')) });
    expect(verdict).toMatchObject({ code: 'underlay-blocked' });
    expect(verdict.title).toContain('h3');
    expect(verdict.evidence[0]).toContain('3 same-host pair(s) work');
  });
  it('cross-host failures to addresses the source node does not know yet are gossip catching up, not the underlay', () => {
    const pairs = grid((s, d) => s === 'h1' && d === 'h3');
    const all = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];
    const peers = [{ node: 'h1', peers: [], knows: ['10.0.0.1', '10.0.0.2'] }, { node: 'h2', peers: [], knows: all }, { node: 'h3', peers: [], knows: all }];
    const { verdict } = diagnose({ ...base, pairs, peers });
    expect(verdict.code).toBe('gossip-pending');
    expect(verdict.title).toContain("h1 does not know b's task(s) yet");
    expect(verdict.evidence[0]).toContain("h1's view of appnet has no 10.0.0.3 (b.h3 on h3)");
    expect(verdict.next).toContain('30 s');
    // A name that resolves on some nodes only, where the others lack every address, is the same lag.
    const lagging = sources.map((x) => (x.node === 'h1' ? { ...x, dns: [{ name: 'b', addresses: [] }, { name: 'tasks.b', addresses: [] }] } : x));
    const unaware = peers.map((p) => (p.node === 'h1' ? { ...p, knows: [] } : p));
    const both = diagnose({ ...base, sources: lagging, pairs: grid((s, d) => s === 'h1' && d !== 'h1'), peers: unaware });
    expect(both.verdict.code).toBe('gossip-pending');
    expect(both.findings.map((f) => f.code)).not.toContain('name-does-not-resolve');
    expect(both.verdict.evidence[0]).toBe("a.h1 on h1: b does not resolve, and h1's view of appnet has none of its addresses");
    // When the node does know the address, it is the underlay again.
    expect(diagnose({ ...base, pairs, peers: peers.map((p) => ({ ...p, knows: all })) }).verdict.code).toBe('underlay-blocked');
  });
  it('the same on an encrypted network is about ESP', () => {
    expect(diagnose({ ...base, network: { name: 's', encrypted: true }, pairs: grid((s, d) => s !== d) }).verdict.code).toBe('encrypted-overlay');
  });
  it('a failing VIP with answering tasks is the VIP, and suggests dnsrr', () => {
    const vip = pair('h1', 'h1', false, { kind: 'vip', target: 'VIP', targetNode: undefined, sameHost: false, tcp: { result: 'unreachable', detail: 'No route to host' } });
    const { verdict } = diagnose({ ...base, endpointMode: 'vip', pairs: [vip, ...grid(() => false)] });
    expect(verdict.code).toBe('vip-unreachable');
    expect(verdict.next).toContain('dnsrr');
  });
  it('refused connections mean nothing listens, not a network problem', () => {
    const pairs = grid(() => true).map((p) => ({ ...p, tcp: { result: 'refused' as const, detail: 'Connection refused' }, icmp: ok }));
    const { verdict, findings } = diagnose({ ...base, port: 81, pairs });
    expect(verdict.code).toBe('port-refused');
    expect(findings.map((f) => f.code)).not.toContain('underlay-blocked');
  });
  it('same-host pairs failing to tasks that answer others point at the sending host (full ARP table)', () => {
    const { verdict } = diagnose({ ...base, pairs: grid((s, d) => s === 'h1') });
    expect(verdict.code).toBe('unreachable');
    expect(verdict.evidence.at(-1)).toContain('1 same-host pair(s) fail although their target answers other tasks of a');
    expect(verdict.next).toContain('neighbor table overflow');
  });
  it('TCP working with ICMP failing is a warning, not an error', () => {
    const pairs = grid(() => false).map((p) => ({ ...p, icmp: bad }));
    expect(diagnose({ ...base, pairs }).verdict).toMatchObject({ level: 'warning', code: 'icmp-blocked' });
  });
  it('no tasks, no common network, no name', () => {
    expect(diagnose({ ...base, targetTasks: 0 }).verdict.code).toBe('no-target-tasks');
    expect(diagnose({ ...base, network: undefined }).verdict.code).toBe('no-common-network');
    const unresolved = sources.map((s) => ({ ...s, dns: [{ name: 'b', addresses: [] }, { name: 'tasks.b', addresses: [] }] }));
    expect(diagnose({ ...base, sources: unresolved, pairs: grid(() => true) }).findings.map((f) => f.code)).toContain('name-does-not-resolve');
  });
});

describe('probe script and parser', () => {
  it('passes names and IPs as arguments, never inside the script', () => {
    const argv = probeArgv([{ target: 'x$(id)', port: 80, ips: ['10.0.0.1'] }]);
    expect(argv[1]).toBe(PROBE_SCRIPT);
    expect(PROBE_SCRIPT).not.toContain('x$(id)');
    expect(argv.slice(2)).toEqual(['archipelago-probe', 'x$(id)', '80', '10.0.0.1']);
  });
  it('probes several targets in one run, each with its own port, when busybox runs the script', () => {
    // The real script under the busybox sh the lab images use: two groups, "--" between them.
    const argv = probeArgv([{ target: 'a', port: 1, ips: ['127.0.0.1', '127.0.0.2'] }, { target: 'b$(id)', ips: ['127.0.0.3'] }]);
    expect(argv.slice(3)).toEqual(['a', '1', '127.0.0.1', '127.0.0.2', '--', 'b$(id)', '-', '127.0.0.3']);
    const run = spawnSync('/bin/busybox', ['sh', ...argv], { encoding: 'utf8', timeout: 15_000 });
    const out = parseProbeOutput(run.stdout);
    expect([...out.dns.keys()].sort()).toEqual(['a', 'b$(id)', 'tasks.a', 'tasks.b$(id)']);
    expect([...out.tcp.keys()].sort()).toEqual(['127.0.0.1', '127.0.0.2']);
    expect(out.tcp.get('127.0.0.1')?.result).toBe('refused');
    expect([...out.icmp.keys()].sort()).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
  });
  it('parses each line form and ignores anything else', () => {
    const out = parseProbeOutput(['dns b 10.0.0.2 10.0.0.3 ', 'dns tasks.b ', 'tcp 10.0.0.2 80 0 100.10 100.11 ', "tcp 10.0.0.3 80 1 100.10 100.10 nc: can't connect to remote host (10.0.0.3): Connection refused", 'icmp 10.0.0.2 0 time=0.123 ms', 'icmp 10.0.0.3 1 ', 'garbage line', 'tcp short'].join('\n'));
    expect(out.dns.get('b')).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(out.dns.get('tasks.b')).toEqual([]);
    expect(out.tcp.get('10.0.0.2')).toMatchObject({ result: 'ok', ms: 10 });
    expect(out.tcp.get('10.0.0.3')?.result).toBe('refused');
    expect(out.icmp.get('10.0.0.2')).toMatchObject({ result: 'ok', ms: 0.123 });
    expect(out.icmp.get('10.0.0.3')?.result).toBe('failed');
    expect(out.tcp.size).toBe(2);
  });
});
