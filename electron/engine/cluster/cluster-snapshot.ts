// Reads the whole cluster from the hosts: each connected host's engine and containers, and,
// from one manager, the swarm's nodes, networks, services and tasks. Merged by node id.
import type Docker from 'dockerode';
import type { ClusterHostView, ClusterModel, ContainerView, NetworkView, ServiceView, SwarmNodeView, TaskView } from '../../shared/model';
import type { HostService } from '../hosts/host-handlers';
import { networkMtu } from './network-mtu';
import { addDiagnosisFields } from './service-update-status';

type Info = Awaited<ReturnType<Docker['info']>>;
// dockerode's typings are loose here; the Engine API documents these shapes.
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const nodeView = (n: Any, hostByNodeId: Map<string, string>): SwarmNodeView => ({
  id: n.ID,
  hostname: n.Description?.Hostname ?? n.ID,
  role: n.Spec?.Role ?? 'worker',
  availability: n.Spec?.Availability ?? 'active',
  state: n.Status?.State ?? 'unknown',
  addr: n.Status?.Addr ?? '',
  engineVersion: n.Description?.Engine?.EngineVersion ?? '',
  labels: n.Spec?.Labels ?? {},
  leader: Boolean(n.ManagerStatus?.Leader),
  reachability: n.ManagerStatus?.Reachability,
  hostId: hostByNodeId.get(n.ID),
});

const networkView = (n: Any): NetworkView => ({
  id: n.Id,
  name: n.Name,
  driver: n.Driver,
  scope: n.Scope,
  attachable: Boolean(n.Attachable),
  internal: Boolean(n.Internal),
  encrypted: n.Options?.encrypted !== undefined,
  ingress: Boolean(n.Ingress),
  subnets: (n.IPAM?.Config ?? []).map((c: Any) => ({ subnet: c.Subnet, gateway: c.Gateway })),
  labels: n.Labels ?? {},
  ...networkMtu(n),
});

const serviceView = (s: Any): ServiceView => ({
  id: s.ID,
  name: s.Spec?.Name,
  image: String(s.Spec?.TaskTemplate?.ContainerSpec?.Image ?? '').replace(/@sha256:.*$/, ''),
  mode: s.Spec?.Mode?.Global ? 'global' : 'replicated',
  replicas: s.Spec?.Mode?.Replicated?.Replicas,
  endpointMode: s.Spec?.EndpointSpec?.Mode ?? 'vip',
  networkIds: (s.Spec?.TaskTemplate?.Networks ?? []).map((n: Any) => n.Target),
  ports: (s.Endpoint?.Ports ?? []).map((p: Any) => ({ published: p.PublishedPort, target: p.TargetPort, protocol: p.Protocol })),
});

const taskView = (t: Any): TaskView => ({
  id: t.ID,
  serviceId: t.ServiceID,
  nodeId: t.NodeID,
  slot: t.Slot,
  state: t.Status?.State ?? 'unknown',
  desiredState: t.DesiredState,
  error: t.Status?.Err,
  containerId: t.Status?.ContainerStatus?.ContainerID,
  addresses: (t.NetworksAttachments ?? []).flatMap((a: Any) => (a.Addresses ?? []).map((address: string) => ({ networkId: a.Network?.ID, address }))),
});

export async function readCluster(hosts: HostService): Promise<ClusterModel> {
  const records = hosts.records();
  const per = await Promise.all(
    records.map(async (record) => {
      const session = hosts.sessionById(record.id);
      if (session.status !== 'connected') return { record, session, info: null as Info | null, containers: [] as Any[] };
      try {
        const [info, containers] = await session.run((d) => Promise.all([d.info(), d.listContainers({ all: true })]));
        return { record, session, info, containers: containers as Any[] };
      } catch {
        return { record, session, info: null, containers: [] };
      }
    }),
  );
  const hostViews: ClusterHostView[] = per.map(({ record, session, info }) => ({
    hostId: record.id,
    name: record.name,
    status: session.status,
    swarmState: info?.Swarm?.LocalNodeState,
    clusterId: info?.Swarm?.Cluster?.ID,
    nodeId: info?.Swarm?.NodeID || undefined,
    isManager: info ? Boolean(info.Swarm?.ControlAvailable) : undefined,
    engineVersion: info?.ServerVersion,
  }));
  const hostByNodeId = new Map(hostViews.filter((h) => h.nodeId).map((h) => [h.nodeId!, h.hostId]));
  const containers: ContainerView[] = per.flatMap(({ record, containers: list }) =>
    list.map((c) => ({
      hostId: record.id,
      id: c.Id,
      name: String(c.Names?.[0] ?? '').replace(/^\//, ''),
      image: c.Image,
      state: c.State,
      serviceId: c.Labels?.['com.docker.swarm.service.id'],
      taskId: c.Labels?.['com.docker.swarm.task.id'],
    })),
  );

  const managers = per.filter((p) => p.info?.Swarm?.ControlAvailable);
  const manager = managers[0];
  const model: ClusterModel = { swarm: null, hosts: hostViews, nodes: [], networks: [], services: [], tasks: [], containers, updatedAt: new Date().toISOString() };
  if (!manager) {
    const members = per.filter((p) => p.info?.Swarm?.LocalNodeState === 'active');
    if (members.length) {
      const addrs = members.flatMap((p) => ((p.info!.Swarm.RemoteManagers ?? []) as Any[]).map((m) => String(m.Addr)));
      model.noReachableManager = { hostIds: members.map((p) => p.record.id), managerAddrs: [...new Set(addrs)] };
    }
    return model;
  }
  try {
    const [swarm, nodes, networks, services, tasks] = await manager.session.run((d) =>
      Promise.all([d.swarmInspect(), d.listNodes(), d.listNetworks({ filters: { scope: ['swarm'] } }), d.listServices(), d.listTasks()]),
    );
    model.swarm = { id: swarm.ID, createdAt: swarm.CreatedAt, managerHostIds: managers.filter((m) => m.info!.Swarm.Cluster?.ID === swarm.ID).map((m) => m.record.id) };
    model.nodes = (nodes as Any[]).map((n) => nodeView(n, hostByNodeId));
    model.networks = (networks as Any[]).map(networkView);
    model.services = (services as Any[]).map(serviceView);
    model.tasks = (tasks as Any[]).map(taskView);
    addDiagnosisFields(model, { services: services as Any[], tasks: tasks as Any[], nodes: nodes as Any[] });
  } catch {
    // The manager went away mid-read: the next refresh picks another.
  }
  return model;
}
