// The tunnel helper's output, as a lab node printed it (fixtures captured from the helper on the
// lab: an overlay with three tasks, an encrypted overlay whose ESP states the kernel refused,
// and a network that is not on the node), read into the lesson's facts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TUNNEL_SCRIPT, TickParser, netnsKey, parseTunnelFacts, tunnelArgv } from '../../electron/engine/lessons/tunnel-script';
import { LESSON_PROBE_SCRIPT, lessonProbeArgv } from '../../electron/engine/lessons/lesson-probe';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const PLAIN = 'kk5ku4xc3m787gsulvrghtmqe';
const ENCRYPTED = '1jo4dh9dwqxstnjzj9xgefdgz';

describe('the tunnel helper', () => {
  it('gets network ids and numbers as arguments, never in its script', () => {
    const argv = tunnelArgv('watch', [PLAIN], { seconds: 30, ipsec: true });
    expect(argv.slice(0, 2)).toEqual(['-c', TUNNEL_SCRIPT]);
    expect(argv.slice(2)).toEqual(['archipelago-tunnel', 'watch', '30', '1', 'kk5ku4xc3m']);
    expect(TUNNEL_SCRIPT).not.toContain(PLAIN.slice(0, 10));
    expect(() => tunnelArgv('facts', ['$(reboot)'])).toThrow(/not a network id/);
    expect(netnsKey(PLAIN)).toBe('kk5ku4xc3m');
  });

  it('reads the VNI, UDP port, outer addresses and counters of an overlay on the node', () => {
    const facts = parseTunnelFacts(fixture('tunnel-facts.txt'), PLAIN);
    expect(facts.error).toBeUndefined();
    expect(facts.tools).toEqual({ ip: true, bridge: true });
    expect(facts.present).toBe(true);
    expect(facts.vni).toBe(4097);
    expect(facts.udpPort).toBe(4789);
    expect(facts.devices).toEqual([{ name: 'vxlan0', rxBytes: 252, rxPackets: 3, txBytes: 252, txPackets: 3 }]);
    expect(facts.peers).toEqual([
      { dst: '172.31.218.12', src: '172.31.218.11', macs: 2 },
      { dst: '172.31.218.13', src: '172.31.218.11', macs: 2 },
    ]);
    expect(facts.ipsec).toEqual({ states: 0, policies: 2, espPackets: 0, outNoStates: 2 });
  });

  it('tells each network apart, and says when one is not on the node', () => {
    const encrypted = parseTunnelFacts(fixture('tunnel-facts.txt'), ENCRYPTED);
    expect(encrypted.present).toBe(true);
    expect(encrypted.vni).not.toBe(4097);
    expect(encrypted.devices).toHaveLength(1);
    const absent = parseTunnelFacts(fixture('tunnel-facts.txt'), 'nonexist000');
    expect(absent).toMatchObject({ present: false, devices: [], peers: [] });
  });

  it('reports a node where it cannot run, and one without iproute2', () => {
    expect(parseTunnelFacts('error no-dockerd no dockerd process shares this host network namespace\n', PLAIN).error).toMatch(/no dockerd process/);
    const bare = parseTunnelFacts(`tools - -\npresent kk5ku4xc3m\ndev kk5ku4xc3m vxlan0 10 1 20 2\nxfrm - - - 0\n`, PLAIN);
    expect(bare).toMatchObject({ tools: { ip: false, bridge: false }, present: true, devices: [{ name: 'vxlan0', rxBytes: 10, rxPackets: 1, txBytes: 20, txPackets: 2 }], ipsec: { states: undefined, outNoStates: 0 } });
    expect(bare.vni).toBeUndefined();
  });

  it('turns the watch output into one sample per tick', () => {
    const parser = new TickParser();
    const samples = `${fixture('tunnel-watch.txt')}tick 2770.01\ndev kk5ku4xc3m vxlan0 352 4 352 4\nend\n`
      .split('\n')
      .map((l) => parser.push(l))
      .filter((s) => s !== null);
    expect(samples).toHaveLength(2);
    expect(samples[0]!.uptime).toBe(2768.99);
    expect(samples[0]!.devices.get('kk5ku4xc3m')).toEqual([{ name: 'vxlan0', rxBytes: 252, rxPackets: 3, txBytes: 252, txPackets: 3 }]);
    expect(samples[0]!.ipsec).toEqual({ states: 0, policies: 2, espPackets: 0, outNoStates: 2 });
    expect(samples[1]!.devices.get('kk5ku4xc3m')![0].rxPackets).toBe(4);
    // A half sample (the helper was stopped mid-tick) is never reported.
    expect(parser.push('tick 2771.0')).toBeNull();
    expect(parser.push('dev kk5ku4xc3m vxlan0 1 1 1 1')).toBeNull();
  });
});

describe('the lessons probe', () => {
  it('passes names, port and addresses as arguments', () => {
    const argv = lessonProbeArgv(['backend', 'tasks.backend'], ['10.0.1.5'], 80);
    expect(argv.slice(0, 3)).toEqual(['-c', LESSON_PROBE_SCRIPT, 'archipelago-lesson-probe']);
    expect(argv.slice(3)).toEqual(['backend', 'tasks.backend', '--', '80', '10.0.1.5']);
    expect(lessonProbeArgv(['backend'], [])).toEqual(['-c', LESSON_PROBE_SCRIPT, 'archipelago-lesson-probe', 'backend', '--', '-']);
  });
});
