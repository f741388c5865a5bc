// Engine API container (list entry) → the model's ContainerView.
import type { ContainerView } from '../../../shared/model';
import type { ContainerSummary } from '../../docker/engine-api';

export function containerView(c: ContainerSummary, hostId: string): ContainerView {
  return {
    hostId,
    id: c.Id ?? '',
    name: String(c.Names?.[0] ?? '').replace(/^\//, ''),
    image: c.Image ?? '',
    state: c.State ?? 'unknown',
    serviceId: c.Labels?.['com.docker.swarm.service.id'],
    taskId: c.Labels?.['com.docker.swarm.task.id'],
  };
}
