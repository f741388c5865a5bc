// Turns the cluster model into the map's nodes and edges: hosts as islands holding their tasks,
// overlay networks as bridges above them reaching the islands where they are instantiated, and
// each service as a chip on every network it is attached to (or in a tray when on none).
import { markRaw } from 'vue';
import type { Edge, Node } from '@vue-flow/core';
import type { ClusterModel } from '../../../electron/shared/model';

export const ISLAND_W = 220;
export const ISLAND_GAP = 40;
export const NET_H = 64;
export const NET_GAP = 18;
export const CHIP_W = 120;
const DOT = 12;
const DOTS_PER_ROW = Math.floor((ISLAND_W - 24) / DOT);

export interface TaskDot {
  id: string;
  service: string;
  color: string;
  state: string;
}
export interface IslandData {
  kind: 'island';
  name: string;
  hostId?: string;
  role: string;
  state: string;
  tasks: TaskDot[];
}
export interface NetworkData {
  kind: 'network';
  id: string;
  name: string;
  encrypted: boolean;
  attachable: boolean;
  internal: boolean;
  subnet?: string;
  islands: number;
}
export interface ChipData {
  kind: 'chip';
  serviceId: string;
  name: string;
  color: string;
  replicas: string;
  /** The network this chip sits on; undefined in the tray. */
  networkId?: string;
  /** An update or rollback under way or paused: "↻ 1/3", "paused 1/3". */
  update?: string;
}
export interface TrayData {
  kind: 'tray';
  count: number;
}
export type MapData = IslandData | NetworkData | ChipData | TrayData;

/** A stable colour per service, spread around the hue circle. */
export function serviceColor(id: string): string {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360} 65% 50%)`;
}

/** The chip's small update badge, only while an update or rollback is under way or paused. */
function updateBadge(s: ClusterModel['services'][number]): { update?: string } {
  const u = s.update;
  if (!u || u.state === 'completed' || u.state === 'rollback_completed') return {};
  const what = u.state === 'updating' ? '↻' : u.state === 'rollback_started' ? '↺' : 'paused';
  return { update: `${what} ${u.updated}/${u.total}` };
}

/** Above this many bridge-to-island lines the map draws them only for the selected network. */
export const MAX_EDGES = 120;

export function layoutMap(model: ClusterModel, focusNetworkId?: string): { nodes: Node<MapData>[]; edges: Edge[] } {
  const nodes: Node<MapData>[] = [];
  const allEdges: Edge[] = [];
  const services = new Map(model.services.map((s) => [s.id, s]));
  // One pass over the tasks: per node, per service, and where each network is reached.
  const running = model.tasks.filter((t) => t.desiredState === 'running');
  const tasksByNode = new Map<string, typeof running>();
  const runningByService = new Map<string, number>();
  for (const t of running) {
    if (t.nodeId) tasksByNode.set(t.nodeId, [...(tasksByNode.get(t.nodeId) ?? []), t]);
    if (t.state === 'running') runningByService.set(t.serviceId, (runningByService.get(t.serviceId) ?? 0) + 1);
  }
  const networks = model.networks.filter((n) => !n.ingress && n.driver === 'overlay');
  const netRows = networks.length + 1; // +1: the tray
  const islandsTop = netRows * (NET_H + NET_GAP) + 60;

  // Islands: every inventory host, then swarm nodes that have none.
  const islands = [
    ...model.hosts.map((h) => ({ key: h.hostId, name: h.name, hostId: h.hostId, nodeId: h.nodeId, state: h.status })),
    ...model.nodes.filter((n) => !n.hostId).map((n) => ({ key: n.id, name: n.hostname, hostId: undefined, nodeId: n.id, state: n.state })),
  ];
  const width = Math.max(1, islands.length) * (ISLAND_W + ISLAND_GAP) - ISLAND_GAP;
  const islandOfNode = new Map<string, string>();
  islands.forEach((island, i) => {
    const node = model.nodes.find((n) => n.id === island.nodeId);
    const tasks = (island.nodeId ? (tasksByNode.get(island.nodeId) ?? []) : []).map((t) => ({ id: t.id, service: services.get(t.serviceId)?.name ?? t.serviceId, color: serviceColor(t.serviceId), state: t.state }));
    if (island.nodeId) islandOfNode.set(island.nodeId, `island:${island.key}`);
    const rows = Math.max(1, Math.ceil(tasks.length / DOTS_PER_ROW));
    nodes.push({
      id: `island:${island.key}`,
      type: 'island',
      position: { x: i * (ISLAND_W + ISLAND_GAP), y: islandsTop },
      draggable: false,
      selectable: true,
      style: { width: `${ISLAND_W}px`, height: `${70 + rows * DOT}px` },
      // Task lists are plain data the map only reads: no need for Vue to watch each task.
      data: { kind: 'island', name: island.name, hostId: island.hostId, role: node ? (node.leader ? 'leader' : node.role) : '', state: String(node?.state ?? island.state), tasks: markRaw(tasks) },
    });
  });

  const reachedBy = new Map<string, Set<string>>();
  for (const t of running) {
    const island = t.nodeId ? islandOfNode.get(t.nodeId) : undefined;
    if (!island) continue;
    for (const a of t.addresses) {
      if (!reachedBy.has(a.networkId)) reachedBy.set(a.networkId, new Set());
      reachedBy.get(a.networkId)!.add(island);
    }
  }

  // Networks: one bridge per overlay; chips of the services on it sit inside.
  networks.forEach((net, row) => {
    const onIt = model.services.filter((s) => s.networkIds.includes(net.id));
    const reached = reachedBy.get(net.id) ?? new Set<string>();
    const id = `net:${net.id}`;
    nodes.push({
      id,
      type: 'network',
      position: { x: 0, y: row * (NET_H + NET_GAP) },
      draggable: false,
      style: { width: `${Math.max(width, 160 + onIt.length * (CHIP_W + 8))}px`, height: `${NET_H}px` },
      data: { kind: 'network', id: net.id, name: net.name, encrypted: net.encrypted, attachable: net.attachable, internal: net.internal, subnet: net.subnets[0]?.subnet, islands: reached.size },
    });
    onIt.forEach((s, k) => nodes.push(chip(s, { x: 150 + k * (CHIP_W + 8), y: 18 }, id, net.id)));
    for (const island of reached) {
      allEdges.push({ id: `${id}->${island}`, source: id, target: island, type: 'straight', class: net.encrypted ? 'bridge encrypted' : 'bridge', style: { strokeDasharray: net.encrypted ? '6 4' : undefined } });
    }
  });

  // The tray: services on no overlay network, ready to be dragged onto one.
  const loose = model.services.filter((s) => !s.networkIds.some((n) => networks.some((x) => x.id === n)));
  const trayId = 'tray';
  nodes.push({ id: trayId, type: 'tray', position: { x: 0, y: networks.length * (NET_H + NET_GAP) }, draggable: false, style: { width: `${Math.max(width, 160 + loose.length * (CHIP_W + 8))}px`, height: `${NET_H}px` }, data: { kind: 'tray', count: loose.length } });
  loose.forEach((s, k) => nodes.push(chip(s, { x: 150 + k * (CHIP_W + 8), y: 18 }, trayId, undefined)));

  function chip(s: ClusterModel['services'][number], position: { x: number; y: number }, parent: string, networkId: string | undefined): Node<MapData> {
    const up = runningByService.get(s.id) ?? 0;
    return {
      id: `chip:${s.id}:${networkId ?? 'tray'}`,
      type: 'chip',
      parentNode: parent,
      position,
      draggable: true,
      style: { width: `${CHIP_W}px` },
      data: { kind: 'chip', serviceId: s.id, name: s.name, color: serviceColor(s.id), replicas: s.mode === 'global' ? `global · ${up}` : `${up}/${s.replicas ?? 0}`, networkId, ...updateBadge(s) },
    };
  }
  const edges = allEdges.length <= MAX_EDGES ? allEdges : allEdges.filter((e) => e.source === `net:${focusNetworkId}`);
  return { nodes, edges };
}
