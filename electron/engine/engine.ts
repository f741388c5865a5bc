// The engine: plain Node, the only code that talks SSH and Docker. It implements every
// contract method and reports what happens through an event sink; Electron's main process
// and the browser-mode server each wrap it, nothing more.
import path from 'node:path';
import type { Handlers } from '../shared/contract';
import type { EventSink } from '../shared/events';
import { HostInventory } from './hosts/inventory';
import { HostService, defaultPaths } from './hosts/host-handlers';
import { MemorySecretStore, type SecretStore } from './secrets/secret-store';
import { KnownHosts } from './ssh/known-hosts';
import { ClusterWatcher } from './cluster/cluster-watcher';
import { SwarmService } from './swarm/swarm-service';
import { NetworkService } from './networks/network-service';
import { ServiceService } from './services/service-service';
import { ServiceRollout } from './services/service-rollout';
import { UnderlayService } from './swarm/underlay-service';
import { ServiceLogs } from './services/service-logs';
import { ImageService } from './images/image-service';
import { CheckService } from './checks/check-service';
import { ConsoleService } from './console/console-service';
import { TunnelService } from './lessons/tunnel-service';
import { LessonProbe } from './lessons/lesson-probe';
import { StandaloneService } from './lessons/standalone-service';
import { LessonCleanup } from './lessons/lesson-cleanup';

export interface EngineOptions {
  configDir: string;
  emit: EventSink;
  /** Where passwords and passphrases go; memory only unless the shell offers the OS keychain. */
  secrets?: SecretStore;
  version?: string;
  /** OpenSSH's files, read-only (default ~/.ssh/known_hosts). */
  userKnownHosts?: string[];
  sshConfigPath?: string;
  dockerConfigDir?: string;
  /** Connect to every host at start (default true). */
  connectOnStart?: boolean;
}

export interface Engine {
  handlers: Handlers;
  hosts: HostService;
  cluster: ClusterWatcher;
  dispose(): void;
}

export async function createEngine(opts: EngineOptions): Promise<Engine> {
  const inventory = new HostInventory(opts.configDir);
  const problem = await inventory.load();
  if (problem) console.warn(`[engine] ${problem.message}. ${problem.hint}`);
  const secrets = opts.secrets ?? new MemorySecretStore();
  const hosts = new HostService({
    inventory,
    secrets,
    knownHosts: new KnownHosts(path.join(opts.configDir, 'known_hosts'), opts.userKnownHosts ?? [defaultPaths.knownHosts]),
    emit: opts.emit,
    sshConfigPath: opts.sshConfigPath ?? defaultPaths.sshConfig,
    dockerConfigDir: opts.dockerConfigDir ?? defaultPaths.dockerConfig,
  });
  const cluster = new ClusterWatcher(hosts, opts.emit);
  hosts.onStatusChange(() => cluster.poke());
  const changing = <T>(operation: () => Promise<T>) => cluster.during(operation);
  const swarm = new SwarmService(hosts, opts.emit, changing);
  // The model as last read; `fresh` reads it again (e.g. a network created a moment ago).
  const model = async (fresh = false) => (!fresh && cluster.current()) || (await cluster.snapshot());
  const networks = new NetworkService(hosts, model, changing);
  const services = new ServiceService(hosts, model, changing);
  const logs = new ServiceLogs(hosts, opts.emit);
  const checks = new CheckService(hosts, model, opts.emit);
  const consoles = new ConsoleService(hosts, model, opts.emit);
  const tunnels = new TunnelService(hosts, model, opts.emit);
  const cleanup = new LessonCleanup(hosts, model, changing, () => tunnels.stopAll());
  await hosts.start(opts.connectOnStart ?? true);
  cluster.start();

  const handlers: Handlers = {
    'app:info': async () => ({ version: opts.version ?? '0.0.0-dev', secretStorage: secrets.kind, configDir: opts.configDir }),
    'cluster:snapshot': () => cluster.snapshot(),
    ...hosts.handlers,
    ...swarm.handlers,
    ...new UnderlayService(hosts).handlers,
    ...networks.handlers,
    ...services.handlers,
    ...new ServiceRollout(hosts, changing).handlers,
    ...logs.handlers,
    ...new ImageService(hosts).handlers,
    ...checks.handlers,
    ...consoles.handlers,
    ...tunnels.handlers,
    ...new LessonProbe(hosts, model).handlers,
    ...new StandaloneService(hosts).handlers,
    ...cleanup.handlers,
  };
  return {
    handlers,
    hosts,
    cluster,
    dispose: () => {
      logs.stopAll();
      checks.stopAll();
      consoles.closeAll();
      tunnels.dispose();
      cluster.stop();
      hosts.close();
    },
  };
}
