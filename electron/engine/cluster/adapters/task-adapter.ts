// Engine API task → the model's TaskView.
import type { TaskView } from '../../../shared/model';
import type { EngineTask } from '../../docker/engine-api';
import { taskHistoryFields } from '../service-update-status';

export function taskView(t: EngineTask, swarmId: string): TaskView {
  return {
    id: t.ID ?? '',
    serviceId: t.ServiceID ?? '',
    nodeId: t.NodeID,
    slot: t.Slot,
    state: t.Status?.State ?? 'unknown',
    desiredState: t.DesiredState ?? 'unknown',
    error: t.Status?.Err,
    message: t.Status?.Message,
    containerId: t.Status?.ContainerStatus?.ContainerID,
    addresses: (t.NetworksAttachments ?? []).flatMap((a) => (a.Addresses ?? []).map((address) => ({ networkId: a.Network?.ID ?? '', address }))),
    swarmId,
    ...taskHistoryFields(t),
  };
}
