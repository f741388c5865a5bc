// The one API contract. Every call from the UI is a key here, with a zod schema for its input
// and a type for its result; IPC handlers, the preload, the HTTP/WS server and the renderer's
// client are all derived from this map, so a signature is written once.
import type { z } from 'zod';
import type { AppInfo, CheckResult, CliCommand, ClusterModel, ConnectionTest, HostAddress, HostView, ImageView, ImportCandidates, JoinResult, LogLine, NetworkDetail, OperationResult, ProbeResult, ServiceTask, UnderlayReport } from './model';
import {
  byId,
  checkMatrixInput,
  checkRunInput,
  checkWatchInput,
  consoleCloseInput,
  consoleInput,
  consoleOpenInput,
  consoleResizeInput,
  watchIdInput,
  underlayInput,
  byNetwork,
  byService,
  hostAddInput,
  networkCreateInput,
  serviceCreateInput,
  serviceLogsInput,
  streamIdInput,
  serviceNetworkInput,
  serviceScaleInput,
  serviceUpdateInput,
  hostUpdateInput,
  localHostAddInput,
  noInput,
  nodeRemoveInput,
  nodeUpdateInput,
  rotateTokensInput,
  swarmInitInput,
  swarmJoinInput,
  swarmLeaveInput,
  trustInput,
  tunnelReadInput,
  tunnelWatchInput,
  tunnelWatchStopInput,
  lessonProbeInput,
  localNetworkCreateInput,
  lessonContainerRunInput,
  lessonContainerInspectInput,
  lessonNetworkInspectInput,
  lessonCleanupInput,
} from './schemas';
import type { CleanupResult, LessonContainer, LessonProbeResult, LocalNetworkView, TunnelReading } from './lessons';
import { byObject, byStack, objectCreateInput, objectRotateInput, serviceExportInput, stackCheckInput, stackDeployInput } from './stack-schemas';
import type { ComposeCheck, RotateResult, StackDeployResult, StackList, StackStatus, SwarmObjectList } from './stacks';

export interface MethodSpec<I extends z.ZodType, O> {
  input: I;
  summary: string;
  /** Phantom: carries the result type; never set at run time. */
  readonly __output?: O;
}

function method<I extends z.ZodType>(input: I, summary: string) {
  return { returns: <O>(): MethodSpec<I, O> => ({ input, summary }) };
}

export const contract = {
  'app:info': method(noInput, 'Version, where settings live, and where passwords are kept (OS keychain or memory only).').returns<AppInfo>(),
  'hosts:list': method(noInput, 'Every host in the inventory with its live status and last probe.').returns<HostView[]>(),
  'hosts:add': method(hostAddInput, 'Adds a host reached over SSH (key, key with passphrase, ssh-agent or password; optional ProxyJump) and starts connecting.').returns<HostView>(),
  'hosts:addLocal': method(localHostAddInput, 'Adds the Docker engine on this machine, through its unix socket.').returns<HostView>(),
  'hosts:update': method(hostUpdateInput, 'Edits a host; a password or passphrase left out is kept. Reconnects with the new settings.').returns<HostView>(),
  'hosts:remove': method(byId, 'Removes a host from the inventory, forgets its secret and closes its connection.').returns<{ removed: true }>(),
  'hosts:probe': method(byId, "Reports the host's Docker engine: version, OS, node hostname, swarm state, and how calls travel.").returns<ProbeResult>(),
  'hosts:test': method(byId, 'Connects afresh step by step (TCP, SSH, auth, Docker socket) and reports each step with its time.').returns<ConnectionTest>(),
  'hosts:trust': method(trustInput, 'Trusts the new host key the host presented, given the fingerprint the user compared, then connects. A key of another type than the one recorded also needs retiredFingerprint: the old key the user confirmed was retired.').returns<HostView>(),
  'hosts:forgetHostKey': method(byId, "Removes Archipelago's recorded key(s) for the host (never edits ~/.ssh/known_hosts).").returns<{ removed: number }>(),
  'hosts:importCandidates': method(noInput, 'Hosts found in ~/.ssh/config and in Docker contexts, ready to add.').returns<ImportCandidates>(),
  'hosts:addresses': method(byId, "The host's IP addresses, to choose the swarm advertise address from; the one Archipelago reaches it at is marked.").returns<HostAddress[]>(),
  'swarm:init': method(swarmInitInput, 'Creates a swarm with this host as its first manager.').returns<OperationResult>(),
  'swarm:join': method(swarmJoinInput, 'Joins hosts to the swarm of a manager host, in parallel, after checking each can reach the manager on TCP 2377 and 7946.').returns<{ results: JoinResult[] }>(),
  'swarm:leave': method(swarmLeaveInput, 'Makes the host leave its swarm; the last manager leaves only with force.').returns<OperationResult>(),
  'swarm:underlay': method(underlayInput, 'Tests UDP 4789 (VXLAN) and 7946 (gossip) in both directions between every pair of the hosts: a datagram from a short-lived host-network helper before the swarm holds the ports, the swarm\'s own evidence (gossip peers, a ping through the ingress overlay) once it does.').returns<UnderlayReport>(),
  'swarm:rotateTokens': method(rotateTokensInput, 'Replaces the join tokens (the old ones stop working).').returns<OperationResult>(),
  'nodes:update': method(nodeUpdateInput, 'Changes a node’s role, availability or labels.').returns<OperationResult>(),
  'nodes:remove': method(nodeRemoveInput, 'Removes a node from the swarm (a node that is still up needs force).').returns<OperationResult>(),
  'networks:create': method(networkCreateInput, 'Creates an overlay network (attachable, encrypted, internal, subnet, gateway, IP range, MTU, labels).').returns<OperationResult & { id: string }>(),
  'networks:inspect': method(byNetwork, 'An overlay per host: where it is instantiated, its peers, and the tasks and containers on it with their IPs.').returns<NetworkDetail>(),
  'networks:remove': method(byNetwork, 'Removes an overlay network; refused while services use it, naming them.').returns<OperationResult>(),
  'images:list': method(noInput, 'Image tags present on the connected hosts, each with the hosts that have it (those on every host first).').returns<ImageView[]>(),
  'services:create': method(serviceCreateInput, 'Creates a service: image, replicas or global, networks, endpoint mode, published ports, env, command, constraints.').returns<OperationResult & { id: string }>(),
  'services:scale': method(serviceScaleInput, 'Sets the number of replicas of a replicated service.').returns<OperationResult>(),
  'services:update': method(serviceUpdateInput, 'Changes a service’s image, environment, command (a rolling update) or endpoint mode (vip/dnsrr).').returns<OperationResult>(),
  'services:remove': method(byService, 'Removes a service and its tasks.').returns<OperationResult>(),
  'services:rollback': method(byService, 'Rolls a service back to its previous spec (docker service rollback); its tasks are replaced one by one.').returns<OperationResult>(),
  'services:resume': method(byService, 'Resumes a paused update (a bare docker service update): the tasks still on the old spec are updated.').returns<OperationResult>(),
  'services:forceUpdate': method(byService, 'Replaces every task of a service with the same spec (docker service update --force).').returns<OperationResult>(),
  'services:tasks': method(byService, 'A service’s tasks: node, state, error and IPs.').returns<ServiceTask[]>(),
  'services:logs': method(serviceLogsInput, 'The last lines of a service’s logs from all its tasks on any node; with follow, new lines arrive as logs:lines events until services:logsStop.').returns<{ lines: LogLine[]; streamId?: string }>(),
  'services:logsStop': method(streamIdInput, 'Stops following a service’s logs.').returns<{ stopped: boolean }>(),
  'services:attachNetwork': method(serviceNetworkInput, 'Attaches a service to a network (its tasks roll to join it).').returns<OperationResult>(),
  'services:detachNetwork': method(serviceNetworkInput, 'Detaches a service from a network (its tasks roll to leave it).').returns<OperationResult>(),
  'checks:run': method(checkRunInput, 'Can A reach B? From every running task of A, on its own node: B and tasks.B in DNS, the VIP, and every task IP of B (TCP to the port, ICMP, latency), with a diagnosis in words.').returns<CheckResult>(),
  'checks:matrix': method(checkMatrixInput, 'checks:run for every ordered pair of services on a network (each source task probes all its targets in one exec); with a matrixId, each pair also arrives as a checks:matrixProgress event as soon as its row is done.').returns<{ network: string; services: string[]; results: CheckResult[] }>(),
  'checks:watch': method(checkWatchInput, 'Repeats a check every intervalSec seconds; each result arrives as a checks:result event until checks:watchStop.').returns<{ watchId: string }>(),
  'checks:watchStop': method(watchIdInput, 'Stops a repeating check.').returns<{ stopped: boolean }>(),
  'console:open': method(consoleOpenInput, 'Opens a shell (bash, else sh) in a running task, on its node, over that node’s SSH connection; output arrives as console:output events.').returns<{ consoleId: string; shell: string; node: string; command: CliCommand }>(),
  'console:input': method(consoleInput, 'Types into an open console.').returns<{ ok: true }>(),
  'console:resize': method(consoleResizeInput, 'Tells an open console its terminal size.').returns<{ ok: true }>(),
  'console:close': method(consoleCloseInput, 'Closes a console (ends its shell).').returns<{ closed: boolean }>(),
  'lessons:tunnel': method(tunnelReadInput, "An overlay's VXLAN tunnel on every node, read in the overlay's namespace by a short-lived helper (host PID and network): VNI, UDP port, outer source and destination addresses, the device's counters; with ipsec, the node's ESP states, policies and drops.").returns<TunnelReading>(),
  'lessons:tunnelWatch': method(tunnelWatchInput, "Reads an overlay's VXLAN counters on every node once a second (one helper per node, gone after `seconds` or lessons:tunnelWatchStop); each reading arrives as a lessons:tunnelSample event.").returns<{ watchId: string; hosts: { hostId: string; host: string }[] }>(),
  'lessons:tunnelWatchStop': method(tunnelWatchStopInput, 'Stops a tunnel watch and removes its helpers.').returns<{ stopped: boolean }>(),
  'lessons:probe': method(lessonProbeInput, 'From one task of a service (or one standalone container): what the names resolve to there, and whether the addresses answer (TCP to the port, ICMP).').returns<LessonProbeResult>(),
  'lessons:localNetworkCreate': method(localNetworkCreateInput, 'Creates a bridge network on one host, labelled with the lesson (its Start over removes it).').returns<OperationResult>(),
  'lessons:containerRun': method(lessonContainerRunInput, 'Runs an idle standalone container on one host, on a network (a bridge there, or an attachable overlay), labelled with the lesson.').returns<{ container: LessonContainer; commands: CliCommand[] }>(),
  'lessons:containerInspect': method(lessonContainerInspectInput, 'A standalone container on one host: state and address on each network (null when there is none).').returns<{ container: LessonContainer | null }>(),
  'lessons:networkInspect': method(lessonNetworkInspectInput, 'A network as one host sees it: driver, scope, subnet, bridge device and NAT, VNI, the containers on it there.').returns<LocalNetworkView>(),
  'lessons:cleanup': method(lessonCleanupInput, "Start over for one Learn track: removes its services, its containers and bridge networks on every host, detaches other services from its overlays and removes them, and removes every tunnel helper.").returns<CleanupResult>(),
  'cluster:snapshot': method(noInput, 'The whole cluster as one model: hosts, nodes, networks, services, tasks, containers, read afresh from the hosts.').returns<ClusterModel>(),
  'cluster:model': method(noInput, 'The model as the engine holds it (no read), with its seq: what a UI loads first, and again when it sees a gap in cluster:changed.').returns<ClusterModel>(),
  'stacks:list': method(noInput, 'Every stack on the swarm, whoever deployed it (found by the com.docker.stack.namespace label): its services with running/desired tasks, networks, secrets and configs.').returns<StackList>(),
  'stacks:check': method(stackCheckInput, 'Checks a compose file without touching the swarm: YAML, ${VAR} interpolation from the .env text, the compose specification schema, and the conversion; problems with line and column, ignored keys as warnings, variables used and missing.').returns<ComposeCheck>(),
  'stacks:deploy': method(stackDeployInput, 'Deploys a compose file as a stack, as docker stack deploy does (updating it in place; with prune, removing services the file dropped). With preview, says what would be created, updated or removed and changes nothing.').returns<StackDeployResult>(),
  'stacks:status': method(byStack, 'How a stack\'s services are doing: running/desired tasks, converged, still rolling, or failing and why.').returns<StackStatus>(),
  'stacks:remove': method(byStack, 'Removes a stack: its services, secrets, configs, and its networks once their tasks have stopped.').returns<OperationResult>(),
  'stacks:export': method(byStack, 'A compose file that recreates the stack (secrets and configs as external: their content is never read back).').returns<{ compose: string; fileName: string; commands: CliCommand[] }>(),
  'services:export': method(serviceExportInput, 'A compose file that recreates one service (its networks, secrets and configs as external).').returns<{ compose: string; fileName: string; commands: CliCommand[] }>(),
  'secrets:list': method(noInput, 'Swarm secrets with the services that use each (never their content).').returns<SwarmObjectList>(),
  'secrets:create': method(objectCreateInput, 'Creates a swarm secret from text or a file\'s bytes; the content is sent once and never returned, logged or kept.').returns<OperationResult & { id: string }>(),
  'secrets:remove': method(byObject, 'Removes a swarm secret; refused while services use it, naming them.').returns<OperationResult>(),
  'secrets:rotate': method(objectRotateInput, 'Creates a new version of a secret, moves every service using it to the new one at the same target path, then removes the old one.').returns<RotateResult>(),
  'configs:list': method(noInput, 'Swarm configs with the services that use each.').returns<SwarmObjectList>(),
  'configs:create': method(objectCreateInput, 'Creates a swarm config from text or a file\'s bytes.').returns<OperationResult & { id: string }>(),
  'configs:remove': method(byObject, 'Removes a swarm config; refused while services use it, naming them.').returns<OperationResult>(),
  'configs:rotate': method(objectRotateInput, 'Creates a new version of a config, moves every service using it to the new one at the same target path, then removes the old one.').returns<RotateResult>(),
} as const;

export type Contract = typeof contract;
export type Method = keyof Contract;
/** What a caller passes (defaults may be left out). */
export type Input<M extends Method> = z.input<Contract[M]['input']>;
/** What a handler receives: validated, with defaults applied. */
export type ParsedInput<M extends Method> = z.output<Contract[M]['input']>;
export type Output<M extends Method> = Contract[M] extends MethodSpec<z.ZodType, infer O> ? O : never;

export const METHODS = Object.keys(contract) as Method[];

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** What the engine implements: one async function per method. */
export type Handlers = { [M in Method]: (input: ParsedInput<M>) => Promise<Output<M>> };
