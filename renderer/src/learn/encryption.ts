// The encryption lesson's outcome, from what each node said before and after traffic crossed
// an encrypted overlay: ESP carried it (security associations present, their packet counts
// rose), or the kernel could not (policies ask for ESP, no association exists, and packets were
// dropped for want of one), which is what the check calls encrypted-overlay.
import type { TunnelNode, TunnelReading } from '../../../electron/shared/lessons';
import type { Verdict } from '../../../electron/shared/model';

export type IpsecOutcome =
  | { kind: 'esp'; words: string; nodes: string[] }
  | { kind: 'no-sa'; words: string; nodes: string[] }
  | { kind: 'unknown'; words: string; nodes: string[] };

const present = (r: TunnelReading) => r.nodes.filter((n) => n.present && !n.error);
const find = (r: TunnelReading, n: TunnelNode) => r.nodes.find((x) => x.hostId === n.hostId);
const rose = (a?: number, b?: number) => a !== undefined && b !== undefined && b > a;

export function ipsecOutcome(before: TunnelReading, after: TunnelReading, verdict: Pick<Verdict, 'code'>): IpsecOutcome {
  const nodes = present(after);
  const names = nodes.map((n) => n.host);
  if (nodes.length < 2) return { kind: 'unknown', words: 'The encrypted overlay is on fewer than two hosts: nothing had to cross between hosts.', nodes: names };
  const carried = nodes.filter((n) => (n.ipsec?.states ?? 0) > 0 && rose(find(before, n)?.ipsec?.espPackets, n.ipsec?.espPackets));
  if (carried.length >= 2 && verdict.code !== 'encrypted-overlay') {
    return { kind: 'esp', words: `ESP carried the traffic: ${carried.map((n) => `${n.host} has ${n.ipsec!.states} IPsec security association(s) and its ESP packet count rose by ${n.ipsec!.espPackets! - find(before, n)!.ipsec!.espPackets!}`).join('; ')}. On the wire between hosts this is IP protocol 50, not readable VXLAN.`, nodes: carried.map((n) => n.host) };
  }
  const refused = nodes.filter((n) => n.ipsec?.states === 0 && (n.ipsec.policies ?? 0) > 0);
  const dropped = refused.filter((n) => rose(find(before, n)?.ipsec?.outNoStates, n.ipsec?.outNoStates));
  if (refused.length >= 2 && dropped.length >= 1 && verdict.code === 'encrypted-overlay') {
    return {
      kind: 'no-sa',
      words: `This kernel cannot encrypt the overlay. Docker installed the IPsec policies (${refused.map((n) => `${n.host}: ${n.ipsec!.policies} asking for ESP`).join(', ')}), but no security association exists on any host: the kernel refused to create them (no ESP support). So every packet a policy wants encrypted is dropped instead (XfrmOutNoStates rose on ${dropped.map((n) => `${n.host} by ${n.ipsec!.outNoStates! - find(before, n)!.ipsec!.outNoStates!}`).join(', ')}): tasks on one host still talk, across hosts nothing arrives. The check says the same: encrypted overlay fails between hosts.`,
      nodes: dropped.map((n) => n.host),
    };
  }
  return { kind: 'unknown', words: 'The readings do not settle it either way yet: run the experiment again once every task is running.', nodes: names };
}
