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
import { StackService } from './stacks/stack-service';
import { SwarmObjectService } from './swarm-objects/swarm-object-service';

export interface EngineOptions {
  configDir: string;
  emit: EventSink;
  /** Where passwords and passphrases go; memory only unless the shell offers the OS keychain. */
  secrets?: SecretStore;
  version?: string;
  /** OpenSSH's files, read-only (default ~/.ssh/known_hosts). */
  userKnownHosts?: string[];
  /** The machine's files, read-only (default /etc/ssh/ssh_known_hosts and ssh_known_hosts2). */
  systemKnownHosts?: string[];
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
    knownHosts: new KnownHosts(path.join(opts.configDir, 'known_hosts'), opts.userKnownHosts ?? [defaultPaths.knownHosts], opts.systemKnownHosts),
    emit: opts.emit,
    sshConfigPath: opts.sshConfigPath ?? defaultPaths.sshConfig,
    dockerConfigDir: opts.dockerConfigDir ?? defaultPaths.dockerConfig,
  });
  const cluster = new ClusterWatcher(hosts, opts.emit);
  hosts.onStatusChange(() => cluster.poke());
  // Swarm operations pause the model's reads and end with a full read; services and networks
  // change through one manager and their events bring the model along.
  const swarm = new SwarmService(hosts, opts.emit, (operation) => cluster.during(operation), cluster);
  const networks = new NetworkService(hosts, cluster);
  const services = new ServiceService(hosts, cluster);
  const logs = new ServiceLogs(hosts, opts.emit);
  const checks = new CheckService(hosts, cluster, opts.emit);
  const consoles = new ConsoleService(hosts, cluster, opts.emit);
  // The lessons read the held model, or a fresh read when they must see what they just did.
  const model = (fresh = false) => (fresh ? cluster.snapshot() : cluster.model());
  const tunnels = new TunnelService(hosts, model, opts.emit);
  const cleanup = new LessonCleanup(hosts, model, (operation) => cluster.during(operation), () => tunnels.stopAll());
  await hosts.start(opts.connectOnStart ?? true);
  cluster.start();

  const handlers: Handlers = {
    'app:info': async () => ({ version: opts.version ?? '0.0.0-dev', secretStorage: secrets.kind, configDir: opts.configDir }),
    'cluster:snapshot': () => cluster.snapshot(),
    'cluster:model': () => cluster.model(),
    ...hosts.handlers,
    ...swarm.handlers,
    ...new UnderlayService(hosts).handlers,
    ...networks.handlers,
    ...services.handlers,
    ...new ServiceRollout((service) => services.managerOf(service), (operation) => cluster.during(operation)).handlers,
    ...logs.handlers,
    ...new ImageService(hosts).handlers,
    ...checks.handlers,
    ...consoles.handlers,
    ...tunnels.handlers,
    ...new LessonProbe(hosts, model).handlers,
    ...new StandaloneService(hosts).handlers,
    ...cleanup.handlers,
    ...new StackService(hosts, (operation) => cluster.during(operation)).handlers,
    ...new SwarmObjectService(hosts, (operation) => cluster.during(operation)).handlers,
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
