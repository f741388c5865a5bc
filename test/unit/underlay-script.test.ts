// The underlay probe: arguments, never script text; its output parsed strictly; run for real
// under busybox against loopback (nothing listens on those UDP ports, so the datagram "reaches").
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseUnderlay, underlayArgv, UNDERLAY_SCRIPT } from '../../electron/engine/swarm/underlay-script';

describe('underlay script', () => {
  it('passes addresses and ports as arguments', () => {
    const argv = underlayArgv([{ kind: 'udp', addr: '10.0.0.1$(id)', port: 4789 }, { kind: 'overlay', addr: '10.255.0.3' }]);
    expect(argv.slice(0, 3)).toEqual(['-c', UNDERLAY_SCRIPT, 'archipelago-underlay']);
    expect(argv.slice(3)).toEqual(['u', '10.0.0.1$(id)', '4789', 'i', '10.255.0.3']);
    expect(UNDERLAY_SCRIPT).not.toContain('$(id)');
  });
  it('parses each line form and ignores the rest', () => {
    const out = parseUnderlay(['bound 53 7946 ', 'udp 10.0.0.3 4789 silent 16 *', 'udp 10.0.0.2 7946 reached 16 10.0.0.2 0.1 ms', 'udp x', 'overlay 10.255.0.3 failed', 'junk'].join('\n'));
    expect(out.bound).toEqual([53, 7946]);
    expect(out.udp.get('10.0.0.3:4789')?.result).toBe('silent');
    expect(out.udp.get('10.0.0.2:7946')?.result).toBe('reached');
    expect(out.udp.size).toBe(2);
    expect(out.overlay.get('10.255.0.3')).toBe(false);
  });
  it('runs under busybox: loopback answers port unreachable, so the datagram reached it', () => {
    const run = spawnSync('/bin/busybox', ['sh', ...underlayArgv([{ kind: 'udp', addr: '127.0.0.1', port: 4789 }])], { encoding: 'utf8', timeout: 15_000 });
    expect(parseUnderlay(run.stdout).udp.get('127.0.0.1:4789')?.result).toBe('reached');
  });
});
