// Engine API network → the model's NetworkView.
import type { NetworkView } from '../../../shared/model';
import type { Network } from '../../docker/engine-api';
import { networkMtu } from '../network-mtu';

export function networkView(n: Network, swarmId: string): NetworkView {
  return {
    id: n.Id ?? '',
    name: n.Name ?? '',
    driver: n.Driver ?? '',
    scope: n.Scope ?? '',
    attachable: Boolean(n.Attachable),
    internal: Boolean(n.Internal),
    encrypted: n.Options?.encrypted !== undefined,
    ingress: Boolean(n.Ingress),
    subnets: (n.IPAM?.Config ?? []).filter((c) => c.Subnet).map((c) => ({ subnet: c.Subnet!, gateway: c.Gateway })),
    labels: n.Labels ?? {},
    swarmId,
    ...networkMtu(n),
  };
}
