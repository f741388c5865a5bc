// "Check the underlay": UDP 4789 (VXLAN) and 7946 (gossip), both directions, between every pair
// of the selected hosts, before they are needed. Hosts not in a swarm yet: a short-lived helper
// with the host's network sends one datagram to each other host's port (free then, so that host
// answers "port unreachable" if it arrives). Hosts already in the swarm, whose ports the swarm
// holds: its own evidence (gossip peers; a ping through the ingress overlay).
import { isIP } from 'node:net';
import type { Handlers } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import type { CliCommand, UnderlayCell, UnderlayReport } from '../../shared/model';
import { pickHelperImage } from '../checks/probe-runner';
import type { HostService } from '../hosts/host-handlers';
import type { HostSession } from '../hosts/host-session';
import { runHelper } from '../lessons/lesson-helper';
import { dockerCommand } from './cli-equivalent';
import { hostAddresses } from './host-addresses';
import { engineApi } from '../docker/engine-api';
import { parseUnderlay, underlayArgv, type UnderlayOutput, type UnderlayProbe } from './underlay-script';

type UnderlayMethods = Pick<Handlers, 'swarm:underlay'>;
const PORTS = [4789, 7946] as const;

interface Side {
  session: HostSession;
  id: string;
  name: string;
  address: string;
  inSwarm: boolean;
  /** In the swarm: this node's address on the ingress overlay, and the addresses of its gossip peers. */
  ingressIp?: string;
  peers?: string[];
}

export class UnderlayService {
  constructor(private readonly hosts: HostService) {}

  private async side(id: string): Promise<Side> {
    const session = this.hosts.sessionById(id);
    if (session.status !== 'connected') throw new ApiError('unreachable', `${session.name} is not connected`, { field: 'hostIds', hint: 'Connect it on the Hosts page, or leave it out.' });
    const info = await session.run((d) => engineApi.info(d));
    const inSwarm = info.Swarm?.LocalNodeState === 'active';
    const h = session.host;
    let address: string | undefined = inSwarm ? info.Swarm?.NodeAddr : h.kind === 'ssh' && !h.proxyJump && isIP(h.address) ? h.address : undefined;
    address ??= (await hostAddresses(h, await session.connection())).find((a) => a.recommended)?.address;
    if (!address) throw new ApiError('conflict', `no address of ${session.name} to test`, { field: 'hostIds' });
    const side: Side = { session, id, name: session.name, address, inSwarm };
    if (inSwarm) {
      const ingress = await session.run((d) => engineApi.network(d, 'ingress')).catch(() => null);
      side.ingressIp = String(ingress?.Containers?.['ingress-sbox']?.IPv4Address ?? '').replace(/\/\d+$/, '') || undefined;
      side.peers = (ingress?.Peers ?? []).map((p) => String(p.IP));
    }
    return side;
  }

  async check(hostIds: string[], helperImage?: string): Promise<UnderlayReport> {
    const ids = [...new Set(hostIds)];
    if (ids.length < 2) throw new ApiError('invalid-input', 'hostIds: pick at least two different hosts', { field: 'hostIds' });
    const sides = await Promise.all(ids.map((id) => this.side(id)));
    const commands: CliCommand[] = [];
    // One helper per host: its own listeners, and its probes towards every other host.
    const outputs = await Promise.all(
      sides.map(async (a): Promise<UnderlayOutput | Error> => {
        const probes: UnderlayProbe[] = sides.filter((b) => b !== a).flatMap((b): UnderlayProbe[] => {
          if (!b.inSwarm) return PORTS.map((port) => ({ kind: 'udp' as const, addr: b.address, port }));
          return a.inSwarm && b.ingressIp ? [{ kind: 'overlay' as const, addr: b.ingressIp }] : [];
        });
        try {
          const image = await pickHelperImage(a.session, helperImage);
          const target = sides.find((b) => b !== a && !b.inSwarm);
          if (target && commands.length < 2) commands.push(dockerCommand(a.session.host, ['run', '--rm', '--network', 'host', image, 'traceroute', '-n', '-q', '1', '-w', '2', '-f', '16', '-m', '16', '-p', '4788', target.address]));
          return parseUnderlay(await runHelper(a.session, image, underlayArgv(probes)));
        } catch (err) {
          return err instanceof Error ? err : new Error(String(err));
        }
      }),
    );
    const cells: UnderlayCell[] = [];
    sides.forEach((a, i) => {
      const out = outputs[i];
      for (const b of sides.filter((x) => x !== a)) {
        const bOut = outputs[sides.indexOf(b)];
        for (const port of PORTS) cells.push(this.cell(a, b, port, out, bOut));
      }
    });
    return { hosts: sides.map(({ id, name, address, inSwarm }) => ({ id, name, address, inSwarm })), cells, advice: advise(sides, cells), commands };
  }

  private cell(a: Side, b: Side, port: 4789 | 7946, out: UnderlayOutput | Error, bOut: UnderlayOutput | Error): UnderlayCell {
    const base = { from: a.id, to: b.id, port };
    if (out instanceof Error) return { ...base, result: 'untested', via: 'none', detail: `could not run the probe on ${a.name}: ${out.message}` };
    if (!b.inSwarm) {
      if (!(bOut instanceof Error) && bOut.bound.includes(port)) return { ...base, result: 'in-use', via: 'probe', detail: `something on ${b.name} already listens on UDP ${port}${port === 4789 ? " (a hypervisor's or another overlay's VXLAN?)" : ''}: the swarm cannot use it there` };
      const r = out.udp.get(`${b.address}:${port}`);
      if (!r) return { ...base, result: 'untested', via: 'none', detail: 'no answer from the probe' };
      if (r.result === 'reached') return { ...base, result: 'open', via: 'probe', detail: `a datagram from ${a.name} reached ${b.address}:${port}` };
      if (r.result === 'rejected') return { ...base, result: 'rejected', via: 'probe', detail: `a firewall refused ${a.name} → ${b.address}:${port}: ${r.detail}` };
      return { ...base, result: 'blocked', via: 'probe', detail: `a datagram from ${a.name} to ${b.address}:${port} vanished (twice)` };
    }
    if (!a.inSwarm) return { ...base, result: 'untested', via: 'none', detail: `${b.name} is in the swarm, which holds its port ${port}: once ${a.name} joins, the swarm's own traffic tests this pair` };
    if (port === 7946) {
      const hears = a.peers?.includes(b.address);
      return hears
        ? { ...base, result: 'open', via: 'gossip', detail: `${a.name} has ${b.name} (${b.address}) among its gossip peers` }
        : { ...base, result: 'blocked', via: 'gossip', detail: `${a.name}'s gossip peers lack ${b.name} (${b.address}): gossip on 7946 does not get through` };
    }
    const ok = b.ingressIp ? out.overlay.get(b.ingressIp) : undefined;
    if (ok === undefined) return { ...base, result: 'untested', via: 'none', detail: `${b.name} has no ingress overlay endpoint to ping` };
    return ok
      ? { ...base, result: 'open', via: 'overlay', detail: `a ping from ${a.name}'s ingress namespace reached ${b.name}'s (${b.ingressIp}) through VXLAN and back` }
      : { ...base, result: 'blocked', via: 'overlay', detail: `a ping from ${a.name}'s ingress namespace to ${b.name}'s (${b.ingressIp}) through VXLAN got no answer` };
  }

  readonly handlers: UnderlayMethods = {
    'swarm:underlay': ({ hostIds, helperImage }) => this.check(hostIds, helperImage),
  };
}

function advise(sides: Side[], cells: UnderlayCell[]): string[] {
  const name = (id: string) => sides.find((s) => s.id === id)?.name ?? id;
  const bad = (c: UnderlayCell) => c.result === 'blocked' || c.result === 'rejected' || c.result === 'in-use';
  const advice: string[] = [];
  const vxlan = cells.filter((c) => c.port === 4789 && bad(c));
  if (vxlan.some((c) => c.result === 'in-use')) {
    advice.push(`UDP 4789 is already taken on ${[...new Set(vxlan.filter((c) => c.result === 'in-use').map((c) => name(c.to)))].join(', ')}: create the swarm with another data path port (Create swarm… → Data path port, docker swarm init --data-path-port 4790).`);
  } else if (vxlan.length && vxlan.every((c) => c.via === 'probe')) {
    advice.push(`UDP 4789 does not pass ${[...new Set(vxlan.map((c) => `${name(c.from)} → ${name(c.to)}`))].join(', ')}: open it between the hosts, or create the swarm with a data path port that passes (docker swarm init --data-path-port N).`);
  }
  // A pair where nothing passes in either port: the address itself may be the wrong one.
  const deaf = new Set<string>();
  for (const c of cells) if (cells.filter((x) => x.from === c.from && x.to === c.to).every(bad)) deaf.add(`${name(c.from)} cannot reach ${name(c.to)} at ${sides.find((s) => s.id === c.to)?.address} on either port`);
  if (deaf.size) advice.push(`${[...deaf].join('; ')}: if that host has another address the others reach, advertise that one (Create swarm… → advertise address, or --advertise-addr when joining).`);
  return advice;
}
