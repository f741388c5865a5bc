// A host's engine info (plus its connection status) → the model's ClusterHostView.
import type { ClusterHostView, HostStatus } from '../../../shared/model';
import type { SystemInfo } from '../../docker/engine-api';

export function hostView(host: { id: string; name: string; status: HostStatus }, info: SystemInfo | undefined, swarmId: string | undefined): ClusterHostView {
  const swarm = info?.Swarm;
  return {
    hostId: host.id,
    name: host.name,
    status: host.status,
    swarmState: swarm?.LocalNodeState === '' ? 'inactive' : swarm?.LocalNodeState,
    clusterId: swarm?.Cluster?.ID,
    nodeId: swarm?.NodeID || undefined,
    isManager: info ? Boolean(swarm?.ControlAvailable) : undefined,
    engineVersion: info?.ServerVersion,
    ...(swarmId ? { swarmId } : {}),
  };
}
