// A made-up cluster of a chosen size, for the map benchmark (no hosts needed).
import type { ClusterModel } from '../../../electron/shared/model';

export function syntheticModel(size: { hosts: number; networks: number; services: number; tasks: number }): ClusterModel {
  const hex = (n: number, len = 25) => n.toString(36).padStart(len, '0').slice(-len);
  const swarmId = 'synthetic';
  const hosts = Array.from({ length: size.hosts }, (_, i) => ({ hostId: `host-${i}`, name: `host${i + 1}`, status: 'connected' as const, nodeId: hex(i + 1), isManager: i < 3, swarmState: 'active' as const, swarmId }));
  const nodes = hosts.map((h, i) => ({ id: h.nodeId, hostname: h.name, role: (i < 3 ? 'manager' : 'worker') as 'manager' | 'worker', availability: 'active' as const, state: 'ready', addr: `10.1.0.${i + 1}`, engineVersion: '20.10.24', labels: {}, leader: i === 0, hostId: h.hostId, swarmId }));
  const networks = Array.from({ length: size.networks }, (_, i) => ({ id: hex(1000 + i), name: `net${i + 1}`, driver: 'overlay', scope: 'swarm', attachable: i % 2 === 0, internal: false, encrypted: i % 7 === 0, ingress: false, subnets: [{ subnet: `10.${100 + Math.floor(i / 200)}.${i % 200}.0/24` }], labels: {}, swarmId }));
  const services = Array.from({ length: size.services }, (_, i) => ({
    id: hex(5000 + i),
    name: `svc${i + 1}`,
    image: 'lab/web',
    mode: 'replicated' as const,
    replicas: Math.round(size.tasks / size.services),
    endpointMode: 'vip' as const,
    networkIds: [networks[i % networks.length].id, ...(i % 3 === 0 ? [networks[(i + 7) % networks.length].id] : [])],
    ports: [],
    vips: [],
    swarmId,
  }));
  const tasks = Array.from({ length: size.tasks }, (_, i) => {
    const s = services[i % services.length];
    return { id: hex(100000 + i), serviceId: s.id, nodeId: nodes[i % nodes.length].id, slot: i, state: 'running', desiredState: 'running', addresses: s.networkIds.map((networkId) => ({ networkId, address: '10.0.0.1/24' })), swarmId };
  });
  const swarm = { id: swarmId, createdAt: '', managerHostIds: ['host-0'], name: 'host1' };
  return { swarm, swarms: [swarm], hosts, nodes, networks, services, tasks, containers: [], updatedAt: '', seq: 0 };
}
