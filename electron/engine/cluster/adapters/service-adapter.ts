// Engine API service → the model's ServiceView (its VIPs included, so checks need no inspect).
import type { ServiceView } from '../../../shared/model';
import type { Service } from '../../docker/engine-api';
import { serviceDiagnosisFields } from '../service-update-status';

const bare = (cidr: string) => cidr.replace(/\/\d+$/, '');

export function serviceView(s: Service, swarmId: string): ServiceView {
  const spec = s.Spec;
  return {
    id: s.ID ?? '',
    name: spec?.Name ?? '',
    image: String(spec?.TaskTemplate?.ContainerSpec?.Image ?? '').replace(/@sha256:.*$/, ''),
    mode: spec?.Mode?.Global ? 'global' : 'replicated',
    replicas: spec?.Mode?.Replicated?.Replicas,
    endpointMode: spec?.EndpointSpec?.Mode ?? 'vip',
    networkIds: (spec?.TaskTemplate?.Networks ?? []).map((n) => n.Target ?? ''),
    ports: (s.Endpoint?.Ports ?? []).map((p) => ({ published: p.PublishedPort, target: p.TargetPort ?? 0, protocol: p.Protocol ?? 'tcp' })),
    vips: (s.Endpoint?.VirtualIPs ?? []).filter((v) => v.NetworkID && v.Addr).map((v) => ({ networkId: v.NetworkID!, address: bare(v.Addr!) })),
    swarmId,
    ...serviceDiagnosisFields(s),
    ...(spec?.Labels?.['com.docker.stack.namespace'] ? { stack: spec.Labels['com.docker.stack.namespace'] } : {}),
  };
}
