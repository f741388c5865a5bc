// The engine: plain Node, the only code that talks SSH and Docker. It implements every
// contract method and reports what happens through an event sink; Electron's main process
// and the browser-mode server each wrap it, nothing more.
import type { Handlers } from '../shared/contract';
import type { EventSink } from '../shared/events';
import type { HostView, ProbeResult } from '../shared/model';
import { HostConnections } from './hosts/host-connections';
import type { HostRecord } from './hosts/host-record';
import { HostInventory } from './hosts/inventory';
import { probeEngine } from './docker/probe';
import { ApiError } from '../shared/errors';

export interface EngineOptions {
  configDir: string;
  emit: EventSink;
}

export interface Engine {
  handlers: Handlers;
  inventory: HostInventory;
  dispose(): void;
}

export async function createEngine({ configDir, emit }: EngineOptions): Promise<Engine> {
  const inventory = new HostInventory(configDir);
  const problem = await inventory.load();
  if (problem) console.warn(`[engine] ${problem.message}. ${problem.hint}`);
  const connections = new HostConnections(configDir, emit);
  const probes = new Map<string, ProbeResult>();

  const view = (host: HostRecord): HostView => {
    const session = connections.peek(host.id);
    return {
      id: host.id,
      name: host.name,
      address: host.address,
      port: host.port,
      user: host.user,
      auth: { kind: 'key', keyPath: host.auth.keyPath },
      status: session?.status ?? 'idle',
      statusDetail: session?.detail,
      probe: probes.get(host.id),
    };
  };
  const announce = () => emit('hosts:changed', { hosts: inventory.list().map(view) });

  const handlers: Handlers = {
    'hosts:list': async () => inventory.list().map(view),
    'hosts:add': async (input) => {
      const record = await inventory.add(input);
      announce();
      return view(record);
    },
    'hosts:remove': async ({ id }) => {
      await inventory.remove(id);
      connections.close(id);
      probes.delete(id);
      announce();
      return { removed: true };
    },
    'hosts:probe': async ({ id }) => {
      const session = connections.session(inventory.get(id));
      const { docker } = await session.connection();
      let result: ProbeResult;
      try {
        result = await probeEngine(docker);
      } catch (err) {
        throw err instanceof ApiError ? err : session.reportDockerFailure(err as Error);
      }
      probes.set(id, result);
      announce();
      return result;
    },
  };

  return {
    handlers,
    inventory,
    dispose: () => connections.closeAll(),
  };
}
