// The reads that fill the caches: one host's engine info and containers, one container, a whole
// swarm through one of its managers, or only the services, nodes, networks or tasks an event
// named. Each write carries the time its read started (see kind-store.ts).
import type { ClusterCache } from './cluster-cache';
import type { HostSession } from '../hosts/host-session';
import { engineApi, type Network } from '../docker/engine-api';
import { containerView } from './adapters/container-adapter';
import { networkView } from './adapters/network-adapter';
import { serviceView } from './adapters/service-adapter';
import { taskView } from './adapters/task-adapter';

/** How the containers store keys a container (ids are per engine). */
export const containerKey = (hostId: string, id: string) => `${hostId}/${id}`;

/**
 * A host that just left one swarm and made another can still list the old swarm's overlays
 * for a moment (its local copies, scope "swarm"). No network of a swarm is older than the swarm.
 */
const SLACK_MS = 2_000;
function ofThisSwarm(n: Network, swarmCreatedAt: string | undefined): boolean {
  if (!swarmCreatedAt || !n.Created) return true;
  return Date.parse(n.Created) >= Date.parse(swarmCreatedAt) - SLACK_MS;
}

/** A host's engine info and every container on it. */
export async function readHostState(cache: ClusterCache, session: HostSession): Promise<void> {
  const hostId = session.host.id;
  const readAt = performance.now();
  const [info, list] = await session.run((d) => Promise.all([engineApi.info(d), engineApi.containers(d)]));
  cache.putInfo(hostId, info, readAt);
  const items = list.map((c) => ({ key: containerKey(hostId, c.Id ?? ''), build: () => containerView(c, hostId) }));
  cache.stores.containers.replaceScope(items, readAt, cache.stores.containers.keysIn('host', hostId));
}

export async function readHostInfo(cache: ClusterCache, session: HostSession): Promise<void> {
  const readAt = performance.now();
  cache.putInfo(session.host.id, await session.run((d) => engineApi.info(d)), readAt);
}

/**
 * One container of a host (gone when the engine no longer lists it). With `agrees`, a listing
 * that contradicts what the container's latest event said is not written (dockerd's list can
 * trail its events; see impliedContainerState): returns whether it was written.
 */
export async function readContainer(cache: ClusterCache, session: HostSession, id: string, agrees?: (state: string | undefined) => boolean): Promise<boolean> {
  const hostId = session.host.id;
  const readAt = performance.now();
  const found = (await session.run((d) => engineApi.containers(d, { id: [id] }))).find((c) => c.Id === id);
  if (agrees && !agrees(found ? (found.State ?? 'unknown') : undefined)) return false;
  if (found) cache.stores.containers.put(containerKey(hostId, id), () => containerView(found, hostId), readAt);
  else cache.stores.containers.remove(containerKey(hostId, id), readAt);
  return true;
}

/** Everything of one swarm, through one of its managers. Throws when that manager cannot answer. */
export async function readSwarm(cache: ClusterCache, swarmId: string, manager: HostSession): Promise<void> {
  const readAt = performance.now();
  const [swarm, nodes, networks, services, tasks] = await manager.run((d) =>
    Promise.all([engineApi.swarm(d), engineApi.nodes(d), engineApi.networks(d, { scope: ['swarm'] }), engineApi.services(d), engineApi.tasks(d)]),
  );
  if (swarm.ID !== swarmId) throw new Error(`${manager.name} now manages another swarm`);
  cache.markReadable(swarmId, swarm.CreatedAt ?? '');
  const s = cache.stores;
  const seen = new Set<string>();
  for (const n of nodes) {
    seen.add(n.ID ?? '');
    cache.putNode(n, swarmId, readAt);
  }
  for (const key of s.nodes.keysIn('swarm', swarmId)) if (!seen.has(key)) cache.removeNode(key, readAt);
  const mine = networks.filter((n) => ofThisSwarm(n, swarm.CreatedAt));
  s.networks.replaceScope(mine.map((n) => ({ key: n.Id ?? '', build: () => networkView(n, swarmId) })), readAt, s.networks.keysIn('swarm', swarmId));
  s.services.replaceScope(services.map((v) => ({ key: v.ID ?? '', build: () => serviceView(v, swarmId), version: v.Version?.Index })), readAt, s.services.keysIn('swarm', swarmId));
  s.tasks.replaceScope(tasks.map((t) => ({ key: t.ID ?? '', build: () => taskView(t, swarmId), version: t.Version?.Index })), readAt, s.tasks.keysIn('swarm', swarmId));
}

/** Some services and all their tasks (a service gone from the list leaves with its tasks). */
export async function readServices(cache: ClusterCache, swarmId: string, manager: HostSession, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const readAt = performance.now();
  const [services, tasks] = await manager.run((d) => Promise.all([engineApi.services(d, { id: ids }), engineApi.tasks(d, { service: ids })]));
  const wanted = new Set(ids);
  const s = cache.stores;
  const found = new Set<string>();
  for (const v of services) {
    if (!v.ID || !wanted.has(v.ID)) continue;
    found.add(v.ID);
    s.services.put(v.ID, () => serviceView(v, swarmId), readAt, v.Version?.Index);
  }
  for (const id of ids) if (!found.has(id)) s.services.remove(id, readAt);
  const mine = tasks.filter((t) => t.ServiceID && wanted.has(t.ServiceID));
  s.tasks.replaceScope(mine.map((t) => ({ key: t.ID ?? '', build: () => taskView(t, swarmId), version: t.Version?.Index })), readAt, ids.flatMap((id) => s.tasks.keysIn('service', id)));
}

/** One node and the tasks placed on it. */
export async function readNode(cache: ClusterCache, swarmId: string, manager: HostSession, id: string): Promise<void> {
  const readAt = performance.now();
  const [nodes, tasks] = await manager.run((d) => Promise.all([engineApi.nodes(d, { id: [id] }), engineApi.tasks(d, { node: [id] })]));
  const node = nodes.find((n) => n.ID === id);
  if (node) cache.putNode(node, swarmId, readAt);
  else cache.removeNode(id, readAt);
  const s = cache.stores;
  const mine = tasks.filter((t) => t.NodeID === id);
  s.tasks.replaceScope(mine.map((t) => ({ key: t.ID ?? '', build: () => taskView(t, swarmId), version: t.Version?.Index })), readAt, s.tasks.keysIn('node', id));
}

/** One swarm network. */
export async function readNetwork(cache: ClusterCache, swarmId: string, manager: HostSession, id: string): Promise<void> {
  const readAt = performance.now();
  const found = (await manager.run((d) => engineApi.networks(d, { id: [id] }))).find((n) => n.Id === id && n.Scope === 'swarm' && ofThisSwarm(n, cache.createdAt(swarmId)));
  if (found) cache.stores.networks.put(id, () => networkView(found, swarmId), readAt);
  // Gone from this swarm: it leaves the model only if it was this swarm's.
  else if ((cache.stores.networks.get(id)?.swarmId ?? swarmId) === swarmId) cache.stores.networks.remove(id, readAt);
}

/** Some tasks by id (a task's id prefix is enough), e.g. the one a console opens in. */
export async function readTasks(cache: ClusterCache, swarmId: string, manager: HostSession, ids: string[]): Promise<void> {
  const readAt = performance.now();
  const tasks = await manager.run((d) => engineApi.tasks(d, { id: ids }));
  for (const t of tasks) if (t.ID) cache.stores.tasks.put(t.ID, () => taskView(t, swarmId), readAt, t.Version?.Index);
}
