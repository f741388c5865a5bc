// Large packets: the probe's "big" lines, the argument form that asks for them, and the verdict.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { CheckPair } from '../../electron/shared/model';
import { diagnose, type DiagnosisInput } from '../../electron/engine/checks/diagnosis';
import { parseProbeOutput, probeArgv } from '../../electron/engine/checks/probe-script';

const ok = { result: 'ok' as const, ms: 0.2, detail: '' };
function pair(src: string, dst: string, largest = 1450, smallestFailed?: number): CheckPair {
  return { sourceTask: `a.${src}`, sourceNode: src, target: `b.${dst}`, targetIp: `10.0.0.${dst.slice(1)}`, targetNode: dst, kind: 'task', sameHost: src === dst, tcp: ok, icmp: ok, reachable: true, latencyMs: 0.2, large: { mtu: 1450, largest, smallestFailed } };
}
const base: DiagnosisInput = {
  from: 'a', to: 'b', port: 80, endpointMode: 'dnsrr', network: { name: 'appnet', encrypted: false }, sourceTasks: 3, targetTasks: 3,
  sources: ['h1', 'h2', 'h3'].map((n) => ({ task: `a.${n}`, node: n, via: 'exec' as const, dns: [{ name: 'b', addresses: ['10.0.0.1'] }] })),
  pairs: [],
};
const grid = (narrow: (s: string, d: string) => boolean) => ['h1', 'h2', 'h3'].flatMap((s) => ['h1', 'h2', 'h3'].map((d) => (narrow(s, d) ? pair(s, d, 1339, 1352) : pair(s, d))));

describe('mtu-blackhole', () => {
  it('pairs that answer small packets but not large ones, all through h3: names h3, the size, the fix', () => {
    const { verdict } = diagnose({ ...base, pairs: grid((s, d) => s !== d && (s === 'h3' || d === 'h3')) });
    expect(verdict.code).toBe('mtu-blackhole');
    expect(verdict.title).toBe("Large packets vanish to and from h3: up to 1339 bytes pass, appnet's MTU is 1450");
    expect(verdict.next).toContain('com.docker.network.driver.mtu=1339');
    expect(verdict.evidence.join('\n')).toContain('every such pair involves h3');
  });
  it('every pair carrying the MTU is reachable, with no MTU finding', () => {
    expect(diagnose({ ...base, pairs: grid(() => false) }).findings.map((f) => f.code)).toEqual(['reachable']);
  });
  it('pairs with no large result (ICMP blocked, or the VIP) are not taken for a black hole', () => {
    const pairs = grid(() => false).map((p) => ({ ...p, large: undefined }));
    expect(diagnose({ ...base, pairs }).verdict.code).toBe('reachable');
  });
});

describe('probe: large packets', () => {
  it('marks only the addresses asked for with +MTU:', () => {
    const argv = probeArgv([{ target: 'b', port: 80, ips: ['10.0.0.9', '10.0.0.2'], large: { mtu: 1450, ips: ['10.0.0.2'] } }]);
    expect(argv.slice(3)).toEqual(['b', '80', '10.0.0.9', '+1450:10.0.0.2']);
  });
  it('parses big lines, with and without a failing size', () => {
    const out = parseProbeOutput(['big 10.0.0.2 1450 1450 -', 'big 10.0.0.3 1450 1339 1352', 'big 10.0.0.4 x 1 2'].join('\n'));
    expect(out.large.get('10.0.0.2')).toEqual({ mtu: 1450, largest: 1450, smallestFailed: undefined });
    expect(out.large.get('10.0.0.3')).toEqual({ mtu: 1450, largest: 1339, smallestFailed: 1352 });
    expect(out.large.size).toBe(2);
  });
  it('runs under busybox sh: loopback carries the size asked for', () => {
    const argv = probeArgv([{ target: 'x', ips: ['127.0.0.1'], large: { mtu: 1450, ips: ['127.0.0.1'] } }]);
    const run = spawnSync('/bin/busybox', ['sh', ...argv], { encoding: 'utf8', timeout: 15_000 });
    const out = parseProbeOutput(run.stdout);
    expect(out.icmp.get('127.0.0.1')?.result).toBe('ok');
    expect(out.large.get('127.0.0.1')).toEqual({ mtu: 1450, largest: 1450, smallestFailed: undefined });
  });
});
