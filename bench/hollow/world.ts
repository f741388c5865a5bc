// The simulated cluster behind the hollow hosts: one swarm of N nodes (the first three are
// managers), its overlay networks, services and tasks, and one container per running task on
// the host of its node. Every change updates the state first, then emits the events a real
// engine would: container events on the task's own host, swarm events on every manager.
import type { ContainerSummary, EngineTask, EventMessage, Network, Node, Service, Swarm, SystemInfo } from '../../electron/engine/docker/engine-api';
import { containerId, swarmId } from './ids';

export interface WorldSize {
  hosts: number;
  tasks: number;
  services: number;
  networks: number;
}

export interface HollowHost {
  index: number;
  name: string;
  nodeId: string;
  addr: string;
  manager: boolean;
}

type Listener = (e: EventMessage) => void;

const MANAGERS = 3;

export class World {
  readonly swarmId = swarmId();
  readonly createdAt = new Date().toISOString();
  readonly hosts: HollowHost[];
  readonly nodes = new Map<string, Node>();
  readonly networks = new Map<string, Network>();
  readonly services = new Map<string, Service>();
  readonly tasks = new Map<string, EngineTask>();
  /** Per host index: container id → container. */
  readonly containers: Map<string, ContainerSummary>[];
  private readonly listeners: Set<{ host: number; types: Set<string> | null; send: Listener }> = new Set();
  private version = 100;
  private ipCounter = 10;

  constructor(readonly size: WorldSize) {
    this.hosts = Array.from({ length: size.hosts }, (_, i) => ({ index: i, name: `hollow${i + 1}`, nodeId: swarmId(), addr: `10.200.${Math.floor(i / 250)}.${(i % 250) + 1}`, manager: i < Math.min(MANAGERS, size.hosts) }));
    this.containers = this.hosts.map(() => new Map());
    for (const h of this.hosts) this.nodes.set(h.nodeId, this.nodeObject(h, 'ready'));
    const ingress = swarmId();
    this.networks.set(ingress, { Name: 'ingress', Id: ingress, Scope: 'swarm', Driver: 'overlay', Ingress: true, Attachable: false, Internal: false, IPAM: { Driver: 'default', Config: [{ Subnet: '10.0.0.0/24', Gateway: '10.0.0.1' }] }, Options: {}, Labels: {} });
    const nets = Array.from({ length: size.networks }, (_, i) => {
      const id = swarmId();
      this.networks.set(id, { Name: `net${i + 1}`, Id: id, Scope: 'swarm', Driver: 'overlay', Ingress: false, Attachable: true, Internal: false, IPAM: { Driver: 'default', Config: [{ Subnet: `10.${100 + i}.0.0/16`, Gateway: `10.${100 + i}.0.1` }] }, Options: {}, Labels: {} });
      return id;
    });
    const perService = Math.ceil(size.tasks / size.services);
    let placed = 0;
    for (let s = 0; s < size.services; s++) {
      const id = swarmId();
      const net = nets[s % nets.length];
      const replicas = Math.min(perService, size.tasks - placed);
      this.services.set(id, {
        ID: id,
        Version: { Index: this.nextVersion() },
        CreatedAt: this.createdAt,
        UpdatedAt: this.createdAt,
        Spec: { Name: `svc${s + 1}`, TaskTemplate: { ContainerSpec: { Image: 'lab/web:1' }, Networks: [{ Target: net }] }, Mode: { Replicated: { Replicas: replicas } }, EndpointSpec: { Mode: 'vip' } },
        Endpoint: { Spec: { Mode: 'vip' }, VirtualIPs: [{ NetworkID: net, Addr: `${this.ipOn(net)}/16` }] },
      });
      for (let slot = 1; slot <= replicas; slot++) this.startTask(id, slot, this.hosts[placed++ % this.hosts.length], false);
    }
  }

  // ---- what the Engine API answers -------------------------------------------------------

  info(h: HollowHost): SystemInfo {
    const managers = this.hosts.filter((m) => m.manager).map((m) => ({ NodeID: m.nodeId, Addr: `${m.addr}:2377` }));
    return {
      ID: h.nodeId,
      Name: h.name,
      ServerVersion: '20.10.24',
      OperatingSystem: 'Hollow Linux',
      OSType: 'linux',
      Architecture: 'x86_64',
      KernelVersion: '6.1.0-hollow',
      Containers: this.containers[h.index].size,
      Swarm: {
        NodeID: h.nodeId,
        NodeAddr: h.addr,
        LocalNodeState: 'active',
        ControlAvailable: h.manager,
        RemoteManagers: managers,
        Nodes: this.hosts.length,
        Managers: managers.length,
        ...(h.manager ? { Cluster: { ID: this.swarmId, CreatedAt: this.createdAt, Version: { Index: 1 } } } : {}),
      },
    };
  }

  swarm(): Swarm {
    return { ID: this.swarmId, CreatedAt: this.createdAt, UpdatedAt: this.createdAt, Version: { Index: 1 }, Spec: { Name: 'default' }, JoinTokens: { Worker: 'SWMTKN-hollow-worker', Manager: 'SWMTKN-hollow-manager' } };
  }

  // ---- events ------------------------------------------------------------------------------

  subscribe(host: number, types: string[] | null, send: Listener): () => void {
    const entry = { host, types: types ? new Set(types) : null, send };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  /** Sends an event to one host's streams, or (host -1) to every manager's. */
  private emit(host: number, e: Omit<EventMessage, 'time' | 'timeNano'>, timeNano: number): void {
    const event: EventMessage = { ...e, time: Math.floor(timeNano / 1e9), timeNano };
    for (const l of this.listeners) {
      const to = host === -1 ? this.hosts[l.host]?.manager : l.host === host;
      if (to && (!l.types || l.types.has(String(e.Type)))) l.send(event);
    }
  }

  // ---- changes -------------------------------------------------------------------------

  private nextVersion(): number {
    this.version += 1;
    return this.version;
  }

  private ipOn(networkId: string): string {
    this.ipCounter += 1;
    const base = this.networks.get(networkId)?.IPAM?.Config?.[0]?.Subnet?.split('.') ?? ['10', '0'];
    return `${base[0]}.${base[1]}.${Math.floor(this.ipCounter / 250) % 250}.${(this.ipCounter % 250) + 2}`;
  }

  private nodeObject(h: HollowHost, state: 'ready' | 'down'): Node {
    return {
      ID: h.nodeId,
      Version: { Index: this.nextVersion() },
      CreatedAt: this.createdAt,
      UpdatedAt: new Date().toISOString(),
      Spec: { Role: h.manager ? 'manager' : 'worker', Availability: 'active', Labels: {} },
      Description: { Hostname: h.name, Engine: { EngineVersion: '20.10.24' } },
      Status: { State: state, Addr: h.addr },
      ...(h.manager ? { ManagerStatus: { Leader: h.index === 0, Reachability: 'reachable', Addr: `${h.addr}:2377` } } : {}),
    };
  }

  /** A new running task of a service on a host, with its container; events unless quiet. */
  private startTask(serviceId: string, slot: number, h: HollowHost, loud = true, image?: string): { taskId: string; containerId: string; timeNano: number } {
    const service = this.services.get(serviceId)!;
    const net = service.Spec?.TaskTemplate?.Networks?.[0]?.Target ?? '';
    const taskId = swarmId();
    const cid = containerId();
    const now = new Date().toISOString();
    this.tasks.set(taskId, {
      ID: taskId,
      Version: { Index: this.nextVersion() },
      CreatedAt: now,
      UpdatedAt: now,
      ServiceID: serviceId,
      Slot: slot,
      NodeID: h.nodeId,
      Status: { Timestamp: now, State: 'running', Message: 'started', ContainerStatus: { ContainerID: cid, PID: 1000 + slot } },
      DesiredState: 'running',
      NetworksAttachments: [{ Network: { ID: net }, Addresses: [`${this.ipOn(net)}/16`] }],
    });
    const name = `${service.Spec?.Name}.${slot}.${taskId}`;
    const labels = { 'com.docker.swarm.service.id': serviceId, 'com.docker.swarm.service.name': service.Spec?.Name ?? '', 'com.docker.swarm.task.id': taskId, 'com.docker.swarm.node.id': h.nodeId };
    this.containers[h.index].set(cid, { Id: cid, Names: [`/${name}`], Image: image ?? String(service.Spec?.TaskTemplate?.ContainerSpec?.Image), State: 'running', Status: 'Up 1 second', Labels: labels });
    const timeNano = Date.now() * 1e6;
    if (loud) {
      const actor = { ID: cid, Attributes: { ...labels, name, image: image ?? '' } };
      this.emit(h.index, { Type: 'container', Action: 'create', Actor: actor, scope: 'local' }, timeNano);
      this.emit(h.index, { Type: 'container', Action: 'start', Actor: actor, scope: 'local' }, timeNano);
    }
    return { taskId, containerId: cid, timeNano };
  }

  /** A task's container dies and the orchestrator replaces it (on a random node). */
  restartTask(taskId: string, image?: string): { taskId: string; containerId: string; timeNano: number } | null {
    const task = this.tasks.get(taskId);
    if (!task?.ServiceID || !task.NodeID) return null;
    const h = this.hosts.find((x) => x.nodeId === task.NodeID)!;
    const cid = task.Status?.ContainerStatus?.ContainerID ?? '';
    const old = this.containers[h.index].get(cid);
    this.tasks.delete(taskId);
    this.containers[h.index].delete(cid);
    const t0 = Date.now() * 1e6;
    if (old) {
      const actor = { ID: cid, Attributes: { ...(old.Labels ?? {}), name: (old.Names?.[0] ?? '').slice(1) } };
      this.emit(h.index, { Type: 'container', Action: 'die', Actor: actor, scope: 'local' }, t0);
      this.emit(h.index, { Type: 'container', Action: 'destroy', Actor: actor, scope: 'local' }, t0);
    }
    const to = this.hosts[Math.floor(Math.random() * this.hosts.length)];
    return this.startTask(task.ServiceID, task.Slot ?? 1, to, true, image);
  }

  /** One step of a rolling update: the service's spec changes (once), one of its tasks is replaced. */
  rollStep(serviceId: string): { taskId: string; containerId: string; timeNano: number } | null {
    const service = this.services.get(serviceId);
    if (!service?.Spec?.TaskTemplate?.ContainerSpec) return null;
    const tag = `lab/web:${(this.version % 7) + 2}`;
    service.Spec.TaskTemplate.ContainerSpec.Image = tag;
    service.Version = { Index: this.nextVersion() };
    service.UpdatedAt = new Date().toISOString();
    this.emit(-1, { Type: 'service', Action: 'update', Actor: { ID: serviceId, Attributes: { name: service.Spec.Name ?? '' } }, scope: 'swarm' }, Date.now() * 1e6);
    const mine = [...this.tasks.values()].filter((t) => t.ServiceID === serviceId);
    const victim = mine[Math.floor(Math.random() * mine.length)];
    return victim?.ID ? this.restartTask(victim.ID, tag) : null;
  }

  /** A worker node goes down, or comes back. */
  setNode(index: number, state: 'ready' | 'down'): { nodeId: string; timeNano: number } {
    const h = this.hosts[index];
    this.nodes.set(h.nodeId, this.nodeObject(h, state));
    const timeNano = Date.now() * 1e6;
    this.emit(-1, { Type: 'node', Action: 'update', Actor: { ID: h.nodeId, Attributes: { name: h.name, 'state.new': state } }, scope: 'swarm' }, timeNano);
    return { nodeId: h.nodeId, timeNano };
  }

  /** Where a task of a service runs (for exec: its container id by host). */
  containerHost(cid: string): number {
    return this.containers.findIndex((m) => m.has(cid));
  }
}
