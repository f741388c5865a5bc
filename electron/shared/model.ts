// The shapes the engine returns. Plain data: they cross IPC and HTTP as JSON. No secret is
// ever part of them: a host says whether it has one, never what it is.

export type HostStatus =
  | 'idle'
  | 'connecting'
  | 'connected'
  | 'auth-failed'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'host-key-other-type'
  | 'host-key-revoked'
  | 'unreachable'
  | 'docker-unavailable';

/** How Docker calls reach the engine. */
export type Transport = 'ssh-streamlocal' | 'ssh-dial-stdio' | 'local-socket';

export type AuthView =
  | { kind: 'key'; keyPath: string; moreKeyPaths?: string[]; hasPassphrase: boolean }
  | { kind: 'agent'; socketPath?: string }
  | { kind: 'password' };

/** Where a host's password or passphrase is: none needed, saved encrypted, in memory, or missing. */
export type SecretState = 'none' | 'saved' | 'memory' | 'missing';

export interface HostKeyView {
  /** Which hop presented it: the host itself, or its ProxyJump host. */
  hop: 'host' | 'jump';
  address: string;
  port: number;
  keyType: string;
  fingerprint: string;
}

/** A host key that stopped the connection, with the keys already recorded for the host. */
export interface PendingHostKey extends HostKeyView {
  verdict: 'unknown' | 'changed' | 'other-type' | 'revoked';
  /** The known_hosts file and line that disagrees (changed, other-type, revoked). */
  knownIn?: string;
  /** Keys recorded for the host (changed, other-type), or the @cert-authority covering it (unknown). */
  knownKeys?: { type: string; fingerprint: string; where: string }[];
}

export interface ProbeResult {
  engineVersion: string;
  apiVersion: string;
  os: string;
  osType: string;
  arch: string;
  kernelVersion: string;
  /** The node's hostname as Docker reports it (the swarm node name). */
  hostname: string;
  swarm: {
    state: 'inactive' | 'pending' | 'active' | 'error' | 'locked';
    nodeId: string | null;
    isManager: boolean;
  };
  transport: Transport;
  latencyMs: number;
  probedAt: string;
}

interface HostViewBase {
  id: string;
  name: string;
  status: HostStatus;
  /** The last connection problem, in words, when status is not connected. */
  statusDetail?: string;
  /** What to do about it. */
  statusHint?: string;
  transport?: Transport;
  /** A key the host presented that is not trusted yet (status host-key-unknown), or that changed. */
  hostKey?: PendingHostKey;
  probe?: ProbeResult;
}

export interface SshHostView extends HostViewBase {
  kind: 'ssh';
  address: string;
  port: number;
  user: string;
  auth: AuthView;
  secret: SecretState;
  dockerSocket: string;
  /** The jump hop, with its own login if it has one (else the host's key or agent). */
  proxyJump?: { address: string; port: number; user?: string; auth?: AuthView };
  /** Where the jump hop's own password or passphrase is. */
  jumpSecret?: SecretState;
}

export interface LocalHostView extends HostViewBase {
  kind: 'local';
  socketPath: string;
}

export type HostView = SshHostView | LocalHostView;

export type TestStepName = 'tcp' | 'ssh' | 'auth' | 'docker';
export interface TestStep {
  step: TestStepName;
  ok: boolean;
  ms: number;
  detail: string;
}
export interface ConnectionTest {
  ok: boolean;
  steps: TestStep[];
  transport?: Transport;
  error?: { code: string; message: string; hint?: string };
}

export interface ImportCandidate {
  source: 'ssh-config' | 'docker-context';
  /** The Host alias or context name. */
  label: string;
  /** Ready for hosts:add or hosts:addLocal (no secrets). */
  add: { kind: 'ssh'; input: Record<string, unknown> } | { kind: 'local'; input: Record<string, unknown> };
  /** Something the import could not carry over, in words. */
  note?: string;
  /** An inventory host with the same address and port exists already. */
  duplicateOf?: string;
  /** For ~/.ssh/config: the alias as resolved (the fields `ssh -G` prints). */
  resolved?: { hostname: string; user: string; port: number; identityFiles: string[]; proxyJump?: string; proxyCommand?: string; certificateFiles: string[] };
}

export interface ImportSource {
  /** The file or folder read. */
  path: string;
  found: boolean;
  candidates: ImportCandidate[];
  /** Entries that cannot be imported, each with the reason. */
  skipped: string[];
  error?: string;
  /** Which implementation read the config (~/.ssh/config): OpenSSH's `ssh -G`, or the built-in reader and why. */
  resolver?: { name: 'openssh' | 'builtin'; description: string; why?: string };
}

export interface ImportCandidates {
  sshConfig: ImportSource;
  dockerContexts: ImportSource;
}

export interface AppInfo {
  version: string;
  /** Where passwords and passphrases are kept: encrypted by the OS keychain, or in memory only. */
  secretStorage: 'os-keychain' | 'memory';
  configDir: string;
}

// ---- Swarm and the cluster model ----------------------------------------------------------

/** A docker CLI command equal to what the app did, to show and copy. Never holds a secret. */
export interface CliCommand {
  host: string;
  /** For a POSIX shell (sh, bash, zsh): every argument quoted so it is passed unchanged. */
  text: string;
  /** The same for PowerShell (7.3 or later, on Windows). */
  powershell?: string;
}

export interface OperationResult {
  message: string;
  commands: CliCommand[];
}

export interface HostAddress {
  iface: string;
  address: string;
  prefix: number;
  family: 'IPv4' | 'IPv6';
  /** The address Archipelago reached the host at (what other nodes most likely reach too). */
  recommended: boolean;
}

export interface PortCheck {
  port: number;
  protocol: 'tcp' | 'udp';
  purpose: string;
  result: 'open' | 'refused' | 'timeout' | 'untested';
  detail: string;
}

/** One direction of one pair of hosts on one UDP port the swarm needs. */
export interface UnderlayCell {
  from: string;
  to: string;
  port: 4789 | 7946;
  /**
   * open: a datagram arrived (or, between swarm nodes, the swarm's own traffic flows); blocked:
   * it vanished; rejected: a firewall answered "prohibited"; in-use: something else already
   * listens on that port on the target (a hypervisor's VXLAN on 4789); untested: no way to tell.
   */
  result: 'open' | 'blocked' | 'rejected' | 'in-use' | 'untested';
  /** How it was found: a UDP probe before the swarm takes the port, gossip peers, or a ping through the overlay. */
  via: 'probe' | 'gossip' | 'overlay' | 'none';
  detail: string;
}

export interface UnderlayReport {
  hosts: { id: string; name: string; address: string; inSwarm: boolean }[];
  cells: UnderlayCell[];
  /** What to do about what was found (data path port, advertise address), in words. */
  advice: string[];
  commands: CliCommand[];
}

export interface JoinResult {
  id: string;
  name: string;
  outcome: 'joined' | 'already-member' | 'failed';
  message: string;
  hint?: string;
  preflight: PortCheck[];
  commands: CliCommand[];
}

export interface SwarmNodeView {
  id: string;
  hostname: string;
  role: 'worker' | 'manager';
  availability: 'active' | 'pause' | 'drain';
  state: string;
  addr: string;
  engineVersion: string;
  labels: Record<string, string>;
  leader: boolean;
  reachability?: string;
  /** The inventory host this node runs on, when there is one. */
  hostId?: string;
  /** The swarm this node belongs to. */
  swarmId: string;
  /**
   * A leftover: the host this node ran on has left the swarm (it is down here, and that host is
   * now outside it or in another swarm). Docker keeps the entry until it is removed.
   */
  stale?: boolean;
  /** For a stale node: the inventory host it ran on. */
  formerHostId?: string;
  /** What the node offers the scheduler (to explain tasks that do not fit). */
  resources?: { nanoCpus: number; memoryBytes: number };
}

export interface ClusterHostView {
  hostId: string;
  name: string;
  status: HostStatus;
  swarmState?: ProbeResult['swarm']['state'];
  clusterId?: string;
  nodeId?: string;
  isManager?: boolean;
  engineVersion?: string;
  /** The swarm (among those read) this host is a node of. */
  swarmId?: string;
}

export interface NetworkView {
  id: string;
  name: string;
  driver: string;
  scope: string;
  attachable: boolean;
  internal: boolean;
  encrypted: boolean;
  ingress: boolean;
  subnets: { subnet: string; gateway?: string }[];
  labels: Record<string, string>;
  swarmId: string;
  /** The MTU set at creation (`--opt com.docker.network.driver.mtu`); absent: the default (1450 for overlays). */
  mtu?: number;
}

/**
 * A service's rolling update, from its UpdateStatus (absent when it was never updated) and its
 * tasks: how many of the tasks that should run are running with the current spec.
 */
export interface ServiceUpdateView {
  state: 'updating' | 'paused' | 'completed' | 'rollback_started' | 'rollback_paused' | 'rollback_completed';
  startedAt?: string;
  completedAt?: string;
  message?: string;
  /** Running tasks on the current spec (after a rollback: the restored one). */
  updated: number;
  /** Tasks that should run (replicas, or one per eligible node for a global service). */
  total: number;
  /** A previous spec exists: `docker service rollback` can go back to it. */
  canRollback: boolean;
}

export interface ServiceView {
  id: string;
  name: string;
  image: string;
  mode: 'replicated' | 'global';
  replicas?: number;
  endpointMode: 'vip' | 'dnsrr';
  networkIds: string[];
  ports: { published?: number; target: number; protocol: string }[];
  /** The service's virtual IP on each network (vip mode), without the prefix length. */
  vips: { networkId: string; address: string }[];
  swarmId: string;
  /** The stack it belongs to (its com.docker.stack.namespace label), when deployed as one. */
  stack?: string;
  /** Its last update (or rollback) and how far it got. */
  update?: ServiceUpdateView;
  /** Placement constraints and reservations, to explain tasks that never run. */
  constraints?: string[];
  reservations?: { nanoCpus?: number; memoryBytes?: number };
  /** Ports published in host mode: one task per node can hold each. */
  hostPorts?: number[];
}

export interface TaskView {
  id: string;
  serviceId: string;
  nodeId?: string;
  slot?: number;
  state: string;
  desiredState: string;
  error?: string;
  /** The scheduler's or agent's word on the state ("pending task scheduling", …). */
  message?: string;
  containerId?: string;
  addresses: { networkId: string; address: string }[];
  swarmId: string;
  /** When swarm created it and when its state last changed (as `docker service ps` shows). */
  createdAt?: string;
  timestamp?: string;
  /** The container's exit code. */
  exitCode?: number;
  image?: string;
  /** Created with the service's current spec: false for the old tasks of an update under way. */
  upToDate?: boolean;
}

export interface ContainerView {
  hostId: string;
  id: string;
  name: string;
  image: string;
  state: string;
  serviceId?: string;
  taskId?: string;
}

/** One swarm found among the hosts (through a manager that answers). */
export interface SwarmView {
  id: string;
  createdAt: string;
  /** Inventory hosts that are managers of this swarm. */
  managerHostIds: string[];
  /** A short name to tell swarms apart: the first manager host's name. */
  name: string;
}

export interface ClusterModel {
  /** The first swarm found (in inventory order of its managers); null when there is none yet. */
  swarm: SwarmView | null;
  /** Every swarm found; nodes, networks, services and tasks say which one they belong to. */
  swarms: SwarmView[];
  /**
   * Connected hosts are in a swarm but no manager among the hosts answers: the swarm cannot be
   * read or changed until one is back (its tasks keep running).
   */
  noReachableManager?: { hostIds: string[]; managerAddrs: string[] };
  hosts: ClusterHostView[];
  nodes: SwarmNodeView[];
  networks: NetworkView[];
  services: ServiceView[];
  tasks: TaskView[];
  containers: ContainerView[];
  updatedAt: string;
  /** The last cluster:changed sequence number this model includes. */
  seq: number;
}

export interface NetworkDetail {
  network: NetworkView;
  /** Per host: whether the overlay exists there (it is created on a node when a task needs it). */
  hosts: { hostId: string; name: string; instantiated: boolean; peers: { name: string; ip: string }[]; containers: { name: string; ip: string }[] }[];
  services: { name: string; vip?: string; tasks: { name: string; ip: string; hostIp?: string }[] }[];
}

/** An image tag and the connected hosts that have it. */
export interface ImageView {
  tag: string;
  sizeBytes: number;
  hosts: { id: string; name: string }[];
}

export interface ServiceTask extends TaskView {
  nodeName?: string;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
  time?: string;
  task?: string;
  node?: string;
}

// ---- Connectivity checks --------------------------------------------------------------------

export type ProbeResultKind = 'ok' | 'refused' | 'timeout' | 'unreachable' | 'failed' | 'not-run';

/** One target address tested from one source task. */
export interface CheckPair {
  sourceTask: string;
  sourceNode: string;
  /** A task name (service.slot.id) or "VIP". */
  target: string;
  targetIp: string;
  targetNode?: string;
  kind: 'vip' | 'task';
  sameHost: boolean;
  tcp?: { result: ProbeResultKind; ms?: number; detail: string };
  icmp: { result: 'ok' | 'failed' | 'not-run'; ms?: number; detail: string };
  /**
   * Large packets (whole IP packets, ICMP), tried only where the small ping passed: the overlay's
   * MTU, the largest size that passed and the smallest that failed (absent when the MTU passed).
   */
  large?: { mtu: number; largest: number; smallestFailed?: number };
  /** Reachable: TCP connects (with a port) or ICMP answers (without). */
  reachable: boolean;
  /** The pair's latency: ICMP round trip when there is one, else TCP connect time. */
  latencyMs?: number;
}

/** Where and how one source task's probes ran, and what it resolved. */
export interface CheckSource {
  task: string;
  node: string;
  via: 'exec' | 'helper' | 'none';
  helperImage?: string;
  dns: { name: string; addresses: string[] }[];
  error?: string;
}

export interface Verdict {
  level: 'ok' | 'warning' | 'error';
  code: 'reachable' | 'no-target-tasks' | 'no-source-tasks' | 'no-common-network' | 'name-does-not-resolve' | 'vip-unreachable' | 'port-refused' | 'icmp-blocked' | 'underlay-blocked' | 'encrypted-overlay' | 'gossip-pending' | 'unreachable' | 'probe-failed' | 'mtu-blackhole' | 'rolling' | 'stale-dns';
  title: string;
  evidence: string[];
  next: string;
  /** For no-target-tasks / no-source-tasks: why swarm does not run them (a PendingCode of why-pending.ts). */
  reason?: string;
  /** The service a finding is about, when it is not the check's target (rolling, pending). */
  service?: string;
}

export interface CheckResult {
  from: string;
  to: string;
  port?: number;
  network?: { id: string; name: string; encrypted: boolean };
  endpointMode: 'vip' | 'dnsrr';
  vip?: string;
  sources: CheckSource[];
  pairs: CheckPair[];
  /** The whole check's verdict first, then the specific findings behind it. */
  verdict: Verdict;
  findings: Verdict[];
  /** What reproduces each kind of probe by hand. */
  commands: CliCommand[];
  startedAt: string;
  durationMs: number;
}
