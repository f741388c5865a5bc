// Large packets vanish: pairs that answer a small ping but not one the size of the overlay's MTU.
// The classic case is VXLAN over a VPN or a cloud link with a smaller MTU than the overlay
// assumes (VXLAN adds 50 bytes), or a NIC offload bug that drops big frames; small requests work
// and big responses hang.
import type { CheckPair, Verdict } from '../../shared/model';

const list = (xs: string[]) => [...new Set(xs)].join(', ');

export function diagnoseMtu(network: string | undefined, pairs: CheckPair[]): Verdict | undefined {
  const shrunk = pairs.filter((p) => p.kind === 'task' && p.reachable && p.large && p.large.largest < p.large.mtu);
  if (!shrunk.length) return undefined;
  // The host common to every failing pair is the one whose path is narrower.
  const perPair = shrunk.map((p) => new Set([p.sourceNode, p.targetNode ?? '']));
  const common = [...perPair[0]].filter((h) => h && perPair.every((s) => s.has(h)));
  const hosts = common.length ? common : [...new Set(shrunk.flatMap((p) => [p.sourceNode, p.targetNode ?? '']))].filter(Boolean).sort();
  const largest = Math.min(...shrunk.map((p) => p.large!.largest));
  const mtu = shrunk[0].large!.mtu;
  const passedBig = pairs.filter((p) => p.large && p.large.largest >= p.large.mtu).length;
  const net = network ?? 'the overlay';
  return {
    level: 'error',
    code: 'mtu-blackhole',
    title: `Large packets vanish ${common.length ? `to and from ${list(common)}` : `between ${list(hosts)}`}: up to ${largest} bytes pass, ${net}'s MTU is ${mtu}`,
    evidence: [
      `${shrunk.length} pair(s) answer small packets (ping, TCP connect) but not ${mtu}-byte ones${passedBig ? `, while ${passedBig} pair(s) carry ${mtu} bytes` : ''}`,
      ...shrunk.slice(0, 4).map((p) => `${p.sourceTask} on ${p.sourceNode} → ${p.target} ${p.targetIp} on ${p.targetNode}: ${p.large!.largest} bytes passed${p.large!.smallestFailed ? `, ${p.large!.smallestFailed} did not` : ''}`),
      ...(common.length ? [`every such pair involves ${list(common)}`] : []),
      `the largest packet that passed everywhere is ${largest} bytes; on the underlay that is ${largest + 50} bytes with VXLAN's 50 bytes of headers`,
    ],
    next: largest > 0
      ? `The path between ${list(hosts)} carries less than ${net} assumes (VXLAN over a VPN or cloud link, or a NIC offload that drops big frames). Create the overlay with an MTU that fits: docker network create -d overlay --opt com.docker.network.driver.mtu=${largest} … (an existing network's MTU cannot change: create a new one and move the services to it), or raise the underlay's MTU between the hosts to at least ${mtu + 50}.`
      : `Even 576-byte packets vanish between ${list(hosts)}: look at the underlay's MTU and at firewalls that drop fragments or large UDP 4789 packets.`,
  };
}
