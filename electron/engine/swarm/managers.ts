// Finding a connected manager host to send swarm-wide calls to.
import { ApiError } from '../../shared/errors';
import { engineApi, type SystemInfo } from '../docker/engine-api';
import type { HostService } from '../hosts/host-handlers';
import type { HostSession } from '../hosts/host-session';
import type { ClusterReader } from '../cluster/cluster-reader';

export type Info = SystemInfo;

export async function pickManager(hosts: HostService): Promise<{ session: HostSession; info: Info }> {
  const candidates = hosts.connectedSessions();
  const infos = await Promise.all(candidates.map((s) => s.run((d) => engineApi.info(d)).then((info) => ({ session: s, info }), () => null)));
  const managers = infos.filter((x): x is { session: HostSession; info: Info } => Boolean(x?.info.Swarm?.ControlAvailable));
  if (managers.length === 0) {
    const members = infos.filter((x) => x?.info.Swarm?.LocalNodeState === 'active');
    if (members.length) {
      const addrs = [...new Set(members.flatMap((m) => (m?.info.Swarm?.RemoteManagers ?? []).map((r) => String(r.Addr))))];
      throw new ApiError('unreachable', `the swarm has no reachable manager (its managers: ${addrs.join(', ') || 'unknown'})`, {
        hint: 'Reconnect a manager host (Hosts page), or fix its network. Running tasks keep running; changes to the swarm wait for a manager.',
      });
    }
    throw new ApiError('conflict', 'no reachable swarm manager among the connected hosts', { hint: 'Create a swarm on the Cluster page first, or reconnect a manager host.' });
  }
  return managers[0];
}

/**
 * A manager of the given swarm (default: the first), known from the live model's node state
 * without asking any host; when the model knows none, the hosts are asked (pickManager), which
 * also says why there is none.
 */
export async function managerFor(hosts: HostService, cluster: Pick<ClusterReader, 'manager'>, swarmId?: string): Promise<HostSession> {
  const known = cluster.manager(swarmId);
  if (known) return known;
  if (swarmId) {
    throw new ApiError('unreachable', `swarm ${swarmId.slice(0, 12)} has no reachable manager among the connected hosts`, { hint: 'Reconnect one of its manager hosts on the Hosts page.' });
  }
  return (await pickManager(hosts)).session;
}
