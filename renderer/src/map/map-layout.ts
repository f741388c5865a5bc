// Turns the cluster model into the map's nodes and edges: hosts as islands holding their tasks,
// overlay networks as bridges above them reaching the islands where they are instantiated, and
// each service as a chip on every network it is attached to (or in a tray when on none).
import type { Edge, Node } from '@vue-flow/core';
import type { ClusterModel } from '../../../electron/shared/model';
import { dotsOf, dotsSignature, indexTasks, serviceColor, type TaskDot, type TaskIndex } from './task-index';

export { serviceColor, type TaskDot };

export const ISLAND_W = 220;
export const ISLAND_GAP = 40;
export const NET_H = 64;
export const NET_GAP = 18;
export const CHIP_W = 120;
const DOT = 12;
const DOTS_PER_ROW = Math.floor((ISLAND_W - 24) / DOT);

export interface IslandData {
  kind: 'island';
  name: string;
  hostId?: string;
  /** A swarm node no inventory host runs (its id), e.g. a stale one. */
  nodeId?: string;
  role: string;
  state: string;
  tasks: TaskDot[];
  /** What the dots show (task ids and states), to tell when they must be drawn again. */
  dotsSig: string;
  /** A leftover node of a host that left this swarm: drawn once, greyed, with Remove node offered. */
  stale?: boolean;
  /** The swarm this island is drawn in (none: a host in no swarm). */
  swarmId?: string;
}
export interface NetworkData {
  kind: 'network';
  id: string;
  name: string;
  /** The name without its `<stack>_` prefix, shown on the bridge. */
  label: string;
  /** The stack it belongs to, and that stack's shared colour. */
  stack?: string;
  stackColor?: string;
  encrypted: boolean;
  attachable: boolean;
  internal: boolean;
  subnet?: string;
  islands: number;
  swarmId: string;
}
export interface ChipData {
  kind: 'chip';
  serviceId: string;
  name: string;
  /** The name without its `<stack>_` prefix, shown on the chip (the full name is its tooltip). */
  label: string;
  stack?: string;
  stackColor?: string;
  color: string;
  replicas: string;
  /** The network this chip sits on; undefined in the tray. */
  networkId?: string;
  swarmId: string;
  /** An update or rollback under way or paused: "↻ 1/3", "paused 1/3". */
  update?: string;
}
export interface TrayData {
  kind: 'tray';
  count: number;
  swarmId: string;
}
/** A swarm's name above its part of the map, when several are drawn side by side. */
export interface SwarmLabelData {
  kind: 'swarm';
  name: string;
  swarmId: string;
}
export type MapData = IslandData | NetworkData | ChipData | TrayData | SwarmLabelData;

/** One shared colour per stack (a frame around its chips and bridges), apart from the per-service hues. */
export function stackColor(stack: string): string {
  let h = 7;
  for (const c of stack) h = (h * 33 + c.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360} 55% 42%)`;
}

const STACK_LABEL = 'com.docker.stack.namespace';
/** A stack object's name as the stack file says it: `<stack>_web` → `web`. */
export function shortName(name: string, stack?: string): string {
  return stack && name.startsWith(`${stack}_`) && name.length > stack.length + 1 ? name.slice(stack.length + 1) : name;
}

/** The chip's small update badge, only while an update or rollback is under way or paused. */
export function updateBadge(s: ClusterModel['services'][number]): { update?: string } {
  const u = s.update;
  if (!u || u.state === 'completed' || u.state === 'rollback_completed') return {};
  const what = u.state === 'updating' ? '↻' : u.state === 'rollback_started' ? '↺' : 'paused';
  return { update: `${what} ${u.updated}/${u.total}` };
}

/** Above this many bridge-to-island lines the map draws them only for the selected network. */
export const MAX_EDGES = 120;

/**
 * What decides where things are on the map: hosts, swarms, nodes without a host, networks and
 * services with their attachments. Tasks, counts and states are not in it: when only they
 * change, the map updates its nodes in place instead of laying itself out again.
 */
let keyOf: { from: unknown[]; key: string } | null = null;

export function topologyKey(model: ClusterModel): string {
  // The lists of a kind that did not change are the same arrays (see rebuildModel): same key.
  const from = [model.swarms, model.hosts, model.nodes, model.networks, model.services];
  if (keyOf && keyOf.from.every((x, i) => x === from[i])) return keyOf.key;
  const key = JSON.stringify([
    model.swarms.map((s) => [s.id, s.name]),
    model.hosts.map((h) => [h.hostId, h.name, h.nodeId, h.swarmId]),
    model.nodes.filter((n) => !n.hostId).map((n) => [n.id, n.hostname, n.swarmId, Boolean(n.stale)]),
    model.networks.map((n) => [n.id, n.name, n.driver, n.ingress, n.swarmId]),
    model.services.map((s) => [s.id, s.name, s.swarmId, s.networkIds]),
  ]);
  keyOf = { from, key };
  return key;
}

const SWARM_GAP = 120;
const LABEL_H = 40;

/** The edges from each network's bridge to the islands its tasks are on (for the focused network only on a crowded map). */
export function bridgeEdges(model: ClusterModel, index: TaskIndex, islandOfNode: Map<string, string>, focusNetworkId?: string): Edge[] {
  const all: Edge[] = [];
  for (const net of model.networks) {
    if (net.ingress || net.driver !== 'overlay') continue;
    const islands = new Set<string>();
    for (const nodeId of index.reached.get(net.id) ?? []) {
      const island = islandOfNode.get(nodeId);
      if (island) islands.add(island);
    }
    const id = `net:${net.id}`;
    for (const island of islands) all.push({ id: `${id}->${island}`, source: id, target: island, type: 'straight', class: net.encrypted ? 'bridge encrypted' : 'bridge', style: { strokeDasharray: net.encrypted ? '6 4' : undefined } });
  }
  return all.length <= MAX_EDGES ? all : all.filter((e) => e.source === `net:${focusNetworkId}`);
}

/** How many islands a network reaches. */
export function islandsReached(index: TaskIndex, networkId: string, islandOfNode: Map<string, string>): number {
  const islands = new Set<string>();
  for (const nodeId of index.reached.get(networkId) ?? []) {
    const island = islandOfNode.get(nodeId);
    if (island) islands.add(island);
  }
  return islands.size;
}

/** A chip's count: running tasks of the service, of its replicas. */
export function replicasText(s: ClusterModel['services'][number], index: TaskIndex): string {
  const up = index.running.get(s.id) ?? 0;
  return s.mode === 'global' ? `global · ${up}` : `${up}/${s.replicas ?? 0}`;
}

export function islandHeight(tasks: number): string {
  return `${70 + Math.max(1, Math.ceil(tasks / DOTS_PER_ROW)) * DOT}px`;
}

export function layoutMap(model: ClusterModel, focusNetworkId?: string, index: TaskIndex = indexTasks(model.tasks)): { nodes: Node<MapData>[]; edges: Edge[]; islandOfNode: Map<string, string> } {
  const nodes: Node<MapData>[] = [];
  const services = new Map(model.services.map((s) => [s.id, s]));
  const serviceName = (id: string) => services.get(id)?.name ?? id;
  const nodeById = new Map(model.nodes.map((n) => [n.id, n]));
  // A stack's networks side by side (then by name), so its group reads as one.
  const overlays = model.networks
    .filter((n) => !n.ingress && n.driver === 'overlay')
    .sort((a, b) => (a.labels[STACK_LABEL] ?? '').localeCompare(b.labels[STACK_LABEL] ?? '') || a.name.localeCompare(b.name));
  const byStack = (list: ClusterModel['services']) => [...list].sort((a, b) => (a.stack ?? '').localeCompare(b.stack ?? '') || a.name.localeCompare(b.name));
  // Side by side: each swarm (in the model's order), then hosts in no swarm.
  const groups = [...model.swarms.map((s) => ({ id: s.id, name: s.name })), { id: '', name: 'not in a swarm' }];
  const several = model.swarms.length > 1;
  const netRowsMax = Math.max(1, ...model.swarms.map((s) => overlays.filter((n) => n.swarmId === s.id).length + 1));
  const top = several ? LABEL_H : 0;
  const islandsTop = top + netRowsMax * (NET_H + NET_GAP) + 60;
  const islandOfNode = new Map<string, string>();
  let x0 = 0;

  for (const group of groups) {
    // Islands: the group's inventory hosts, then its nodes that have none (stale ones marked).
    const islands = [
      ...model.hosts.filter((h) => (h.swarmId ?? '') === group.id).map((h) => ({ key: h.hostId, name: h.name, hostId: h.hostId, nodeId: h.nodeId, state: h.status, stale: false })),
      ...(group.id ? model.nodes.filter((n) => n.swarmId === group.id && !n.hostId).map((n) => ({ key: n.id, name: n.hostname, hostId: undefined, nodeId: n.id, state: n.state, stale: Boolean(n.stale) })) : []),
    ];
    const networks = group.id ? overlays.filter((n) => n.swarmId === group.id) : [];
    const mine = group.id ? model.services.filter((s) => s.swarmId === group.id) : [];
    if (!islands.length && !group.id) continue;
    const width = Math.max(1, islands.length) * (ISLAND_W + ISLAND_GAP) - ISLAND_GAP;
    if (several && group.id) {
      nodes.push({ id: `swarm:${group.id}`, type: 'swarm', position: { x: x0, y: 0 }, draggable: false, selectable: false, style: { width: `${width}px`, height: `${LABEL_H - 8}px` }, data: { kind: 'swarm', name: group.name, swarmId: group.id } });
    }
    islands.forEach((island, i) => {
      const node = island.nodeId ? nodeById.get(island.nodeId) : undefined;
      const list = island.nodeId && !island.stale ? index.byNode.get(island.nodeId) : undefined;
      const tasks = dotsOf(list, serviceName);
      if (island.nodeId && !island.stale) islandOfNode.set(island.nodeId, `island:${island.key}`);
      nodes.push({
        id: `island:${island.key}`,
        type: 'island',
        position: { x: x0 + i * (ISLAND_W + ISLAND_GAP), y: islandsTop },
        draggable: false,
        selectable: true,
        style: { width: `${ISLAND_W}px`, height: islandHeight(tasks.length) },
        data: { ...islandState(island, node), kind: 'island', name: island.name, hostId: island.hostId, nodeId: island.hostId ? undefined : island.nodeId, tasks, dotsSig: dotsSignature(list), ...(island.stale ? { stale: true } : {}), swarmId: group.id || undefined },
      });
    });
    if (!group.id) break;

    // Networks: one bridge per overlay; chips of the services on it sit inside.
    networks.forEach((net, row) => {
      const onIt = byStack(mine.filter((s) => s.networkIds.includes(net.id)));
      const stack = net.labels[STACK_LABEL];
      const id = `net:${net.id}`;
      nodes.push({
        id,
        type: 'network',
        position: { x: x0, y: top + row * (NET_H + NET_GAP) },
        draggable: false,
        style: { width: `${Math.max(width, 160 + onIt.length * (CHIP_W + 8))}px`, height: `${NET_H}px` },
        data: { kind: 'network', id: net.id, name: net.name, label: shortName(net.name, stack), ...(stack ? { stack, stackColor: stackColor(stack) } : {}), encrypted: net.encrypted, attachable: net.attachable, internal: net.internal, subnet: net.subnets[0]?.subnet, islands: islandsReached(index, net.id, islandOfNode), swarmId: group.id },
      });
      onIt.forEach((s, k) => nodes.push(chip(s, { x: 150 + k * (CHIP_W + 8), y: 18 }, id, net.id)));
    });

    // The tray: services on no overlay network, ready to be dragged onto one.
    const loose = byStack(mine.filter((s) => !s.networkIds.some((n) => networks.some((x) => x.id === n))));
    const trayId = several ? `tray:${group.id}` : 'tray';
    nodes.push({ id: trayId, type: 'tray', position: { x: x0, y: top + networks.length * (NET_H + NET_GAP) }, draggable: false, style: { width: `${Math.max(width, 160 + loose.length * (CHIP_W + 8))}px`, height: `${NET_H}px` }, data: { kind: 'tray', count: loose.length, swarmId: group.id } });
    loose.forEach((s, k) => nodes.push(chip(s, { x: 150 + k * (CHIP_W + 8), y: 18 }, trayId, undefined)));
    const widest = Math.max(width, ...networks.map((n) => 160 + mine.filter((s) => s.networkIds.includes(n.id)).length * (CHIP_W + 8)), 160 + loose.length * (CHIP_W + 8));
    x0 += widest + SWARM_GAP;
  }

  function chip(s: ClusterModel['services'][number], position: { x: number; y: number }, parent: string, networkId: string | undefined): Node<MapData> {
    return {
      id: `chip:${s.id}:${networkId ?? 'tray'}`,
      type: 'chip',
      parentNode: parent,
      position,
      draggable: true,
      style: { width: `${CHIP_W}px` },
      data: { kind: 'chip', serviceId: s.id, name: s.name, label: shortName(s.name, s.stack), ...(s.stack ? { stack: s.stack, stackColor: stackColor(s.stack) } : {}), color: serviceColor(s.id), replicas: replicasText(s, index), networkId, swarmId: s.swarmId, ...updateBadge(s) },
    };
  }
  return { nodes, edges: bridgeEdges(model, index, islandOfNode, focusNetworkId), islandOfNode };
}

/** An island's role and state line, from its node (a stale node says so). */
export function islandState(island: { stale: boolean; state: string }, node: ClusterModel['nodes'][number] | undefined): { role: string; state: string } {
  return { role: node ? (node.leader ? 'leader' : node.role) : '', state: island.stale ? 'stale' : String(node?.state ?? island.state) };
}
