// Engine API node → the model's SwarmNodeView. Which inventory host it runs on, and whether it
// is a stale leftover, come from the hosts' own engine info (see derive-nodes.ts).
import type { SwarmNodeView } from '../../../shared/model';
import type { Node } from '../../docker/engine-api';
import { nodeResources } from '../service-update-status';

export interface NodePlace {
  hostId?: string;
  stale?: boolean;
  formerHostId?: string;
}

export function nodeView(n: Node, swarmId: string, place: NodePlace = {}): SwarmNodeView {
  const id = n.ID ?? '';
  return {
    id,
    hostname: n.Description?.Hostname ?? id,
    role: n.Spec?.Role ?? 'worker',
    availability: n.Spec?.Availability ?? 'active',
    state: n.Status?.State ?? 'unknown',
    addr: n.Status?.Addr ?? '',
    engineVersion: n.Description?.Engine?.EngineVersion ?? '',
    labels: n.Spec?.Labels ?? {},
    leader: Boolean(n.ManagerStatus?.Leader),
    reachability: n.ManagerStatus?.Reachability,
    hostId: place.hostId,
    swarmId,
    ...nodeResources(n),
    ...(place.stale ? { stale: true, formerHostId: place.formerHostId } : {}),
  };
}
