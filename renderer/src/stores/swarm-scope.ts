// One swarm's part of the model, for pages that show one swarm at a time: its nodes, networks,
// services and tasks, the hosts that are its nodes or in no swarm, and their containers.
import type { ClusterModel } from '../../../electron/shared/model';

export function scopeModel(model: ClusterModel, swarmId: string): ClusterModel {
  if (swarmId === 'all') return model;
  const swarm = model.swarms.find((s) => s.id === swarmId) ?? null;
  const hosts = model.hosts.filter((h) => !h.swarmId || h.swarmId === swarmId);
  const hostIds = new Set(hosts.map((h) => h.hostId));
  const mine = <T extends { swarmId: string }>(list: T[]) => list.filter((x) => x.swarmId === swarmId);
  return {
    ...model,
    swarm,
    swarms: swarm ? [swarm] : [],
    hosts,
    nodes: mine(model.nodes),
    networks: mine(model.networks),
    services: mine(model.services),
    tasks: mine(model.tasks),
    containers: model.containers.filter((c) => hostIds.has(c.hostId)),
  };
}
