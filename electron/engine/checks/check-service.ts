// "Can A reach B?": probes from every running task of A, on its own node, to B's name,
// tasks.B, its VIP and each of its task IPs, then a diagnosis in words. Also the matrix over a
// network's services and a repeating watch whose results stream as events.
import { randomUUID } from 'node:crypto';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Handlers, ParsedInput } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import { whyPending } from '../../shared/why-pending';
import type { EventSink } from '../../shared/events';
import type { CheckPair, CheckResult, CheckSource, ClusterModel, CliCommand, ServiceView, TaskView } from '../../shared/model';
import type { ClusterReader } from '../cluster/cluster-reader';
import type { HostService } from '../hosts/host-handlers';
import type { HostSession } from '../hosts/host-session';
import { dockerCommand } from '../swarm/cli-equivalent';
import { engineApi } from '../docker/engine-api';
import { DEFAULT_OVERLAY_MTU } from '../cluster/network-mtu';
import { diagnose } from './diagnosis';
import { rollingContext, targetIpsOf, type RollingContext } from './diagnose-rolling';
import { parseProbeOutput, type ProbeGroup, type ProbeOutput } from './probe-script';
import { runProbe, type ProbeRun } from './probe-runner';

type CheckMethods = Pick<Handlers, 'checks:run' | 'checks:matrix' | 'checks:watch' | 'checks:watchStop'>;

/** Probes at once per host: each holds a channel and spawns processes on that node. */
const PER_HOST = 4;
const MIN_WATCH_MS = 2_000;
/**
 * Matrix rows (source services) at once. Each row already probes from every source task in
 * parallel; more at once starves small hosts and turns slow answers into false "unreachable".
 */
const MATRIX_AT_ONCE = 2;
const FINISHED = new Set(['complete', 'shutdown', 'failed', 'rejected', 'orphaned', 'remove']);
const bare = (cidr: string) => cidr.replace(/\/\d+$/, '');
const nodeName = (model: ClusterModel, id?: string) => model.nodes.find((n) => n.id === id)?.hostname ?? id?.slice(0, 12) ?? '?';
const taskName = (s: ServiceView, t: { slot?: number; id: string; nodeId?: string }) => `${s.name}.${t.slot ?? t.nodeId?.slice(0, 6)}`;

/** One check worked out from the model: who probes, what, and where. */
interface CheckPlan {
  started: number;
  fromService: ServiceView;
  base: Pick<CheckResult, 'from' | 'to' | 'port' | 'endpointMode' | 'network'>;
  network?: ClusterModel['networks'][number];
  sourceTasks: TaskView[];
  targets: { name: string; ip: string; nodeId?: string }[];
  targetTasks: number;
  vip?: string;
  /** The VIP (if any) then every task IP: empty when there is nothing to probe. */
  ips: string[];
  /** The overlay's MTU: task IPs that answer a small ping are tried at this size too. */
  mtu: number;
  /** Send large probes too where small ones pass (off: small probes only). */
  largePackets: boolean;
}

/** What one source task's probe gave (or why it could not run). */
interface SourceProbe {
  task: TaskView;
  src: { task: string; node: string };
  session?: HostSession;
  probe?: ProbeRun;
  out?: ProbeOutput;
  error?: string;
}

export class CheckService {
  private readonly limits = new Map<string, LimitFunction>();
  private readonly watches = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly hosts: HostService,
    private readonly cluster: ClusterReader,
    private readonly emit: EventSink,
  ) {}

  private limit(hostId: string): LimitFunction {
    let l = this.limits.get(hostId);
    if (!l) this.limits.set(hostId, (l = pLimit(PER_HOST)));
    return l;
  }

  private service(model: ClusterModel, ref: string, field: 'from' | 'to', swarmId?: string): ServiceView {
    const s = model.services.find((x) => (x.name === ref || x.id === ref) && (!swarmId || x.swarmId === swarmId));
    if (!s) throw new ApiError('not-found', `no service ${ref}`, { field, hint: 'Pick a service from the list (the cluster model may be a moment behind: try again).' });
    return s;
  }

  /** What one check will probe, worked out from the model (the target's VIP included). */
  private plan(model: ClusterModel, input: ParsedInput<'checks:run'>): CheckPlan {
    const started = Date.now();
    const from = this.service(model, input.from, 'from');
    // Service names are unique within a swarm: the target is looked for in the source's swarm.
    const to = this.service(model, input.to, 'to', from.swarmId);
    const overlays = new Map(model.networks.filter((n) => !n.ingress && n.swarmId === from.swarmId).map((n) => [n.id, n]));
    const common = from.networkIds.filter((id) => to.networkIds.includes(id) && overlays.has(id)).map((id) => overlays.get(id)!);
    let network = common[0];
    if (input.network) {
      network = common.find((n) => n.name === input.network || n.id === input.network)!;
      if (!network) throw new ApiError('invalid-input', `network: ${input.network} is not shared by ${from.name} and ${to.name}`, { field: 'network', hint: `Pick one of: ${common.map((n) => n.name).join(', ') || 'none (they share no overlay)'}.` });
    }
    const running = (s: ServiceView) => model.tasks.filter((t) => t.serviceId === s.id && t.state === 'running');
    const sourceTasks = running(from);
    const targets = running(to).flatMap((t) => {
      const a = t.addresses.find((x) => x.networkId === network?.id);
      return a ? [{ name: taskName(to, t), ip: bare(a.address), nodeId: t.nodeId }] : [];
    });
    const port = input.port ?? to.ports[0]?.target;
    const base = { from: from.name, to: to.name, port, endpointMode: to.endpointMode, network: network && { id: network.id, name: network.name, encrypted: network.encrypted } };
    const plan: CheckPlan = { started, fromService: from, base, network, sourceTasks, targets, targetTasks: running(to).length, ips: [], mtu: network?.mtu ?? DEFAULT_OVERLAY_MTU, largePackets: input.largePackets !== false };
    if (!network || !sourceTasks.length || !targets.length) return plan;
    plan.vip = to.endpointMode === 'vip' ? to.vips.find((v) => v.networkId === network.id)?.address : undefined;
    plan.ips = [...(plan.vip ? [plan.vip] : []), ...targets.map((t) => t.ip)];
    return plan;
  }

  /**
   * Runs the probe for every group in one source task, on its node, through that node's SSH
   * connection: one exec whatever the number of targets.
   */
  private async probeFrom(model: ClusterModel, from: ServiceView, task: TaskView, groups: ProbeGroup[], helperImage?: string): Promise<SourceProbe> {
    const node = model.nodes.find((n) => n.id === task.nodeId);
    const src = { task: taskName(from, task), node: nodeName(model, task.nodeId) };
    const session = node?.hostId ? this.hosts.connectedSessions().find((s) => s.host.id === node.hostId) : undefined;
    if (!session || !task.containerId) {
      return { task, src, error: session ? 'the task has no container yet' : `${src.node} is not a connected Archipelago host, so nothing can run there` };
    }
    try {
      const probe = await this.limit(session.host.id)(() => runProbe(session, task.containerId!, groups, helperImage));
      return { task, src, session, probe, out: parseProbeOutput(probe.output) };
    } catch (err) {
      return { task, src, error: err instanceof ApiError ? `${err.message}${err.hint ? `. ${err.hint}` : ''}` : String(err) };
    }
  }

  /** From the probes of one check's source tasks to its pairs, diagnosis and CLI equivalents. */
  private async finish(model: ClusterModel, plan: CheckPlan, probes: SourceProbe[], after: () => Promise<ClusterModel>): Promise<CheckResult> {
    const { base, network, targets, ips, vip } = plan;
    const to = base.to;
    const commands: CliCommand[] = [];
    const pairs: CheckPair[] = [];
    const sources: CheckSource[] = probes.map(({ task, src, session, probe, out, error }): CheckSource => {
      if (error || !probe || !out || !session) return { ...src, via: 'none', dns: [], error: error ?? 'the probe did not run' };
      for (const ip of ips) {
        const target = targets.find((t) => t.ip === ip);
        const tcp = base.port === undefined ? undefined : (out.tcp.get(ip) ?? { result: 'not-run' as const, detail: 'no result' });
        const icmp = out.icmp.get(ip) ?? { result: 'not-run' as const, detail: 'no result' };
        const reachable = tcp ? tcp.result === 'ok' : icmp.result === 'ok';
        pairs.push({
          sourceTask: src.task,
          sourceNode: src.node,
          target: target?.name ?? 'VIP',
          targetIp: ip,
          targetNode: target && nodeName(model, target.nodeId),
          kind: target ? 'task' : 'vip',
          sameHost: Boolean(target && target.nodeId === task.nodeId),
          tcp,
          icmp,
          reachable,
          latencyMs: icmp.result === 'ok' ? icmp.ms : tcp?.result === 'ok' ? tcp.ms : undefined,
          ...(target && out.large.has(ip) ? { large: out.large.get(ip) } : {}),
        });
      }
      if (commands.length < 4) commands.push(...this.reproduce(session, task.containerId!, probe.via === 'helper' ? probe.helperImage : undefined, to, base.port, ips[0]));
      const dns = [to, `tasks.${to}`].map((name) => ({ name, addresses: out.dns.get(name) ?? [] }));
      return { ...src, via: probe.via, helperImage: probe.helperImage, dns };
    });
    // Each node's view of the network explains failures between hosts and names that resolve on
    // some nodes only (gossip lag); read only when one of those is seen.
    const crossFails = pairs.some((p) => p.kind === 'task' && !p.sameHost && !p.reachable && p.tcp?.result !== 'refused');
    const unresolvedSomewhere = sources.some((s) => s.via !== 'none' && s.dns.every((r) => r.addresses.length === 0));
    const peers = network && (crossFails || unresolvedSomewhere) ? await this.peers(model, network.id) : undefined;
    // Names that resolve to addresses the plan does not know: stale records, or tasks that
    // started since; a fresh read tells which.
    const known = new Set([...ips]);
    const unknownNames = sources.some((s) => s.dns.some((r) => r.addresses.some((a) => !known.has(a))));
    const failed = pairs.some((p) => !p.reachable) || sources.some((s) => s.error);
    const fresh = failed || unknownNames ? await after() : model;
    const rolling = this.rolling(model, fresh, plan, probes);
    const dnsTruth = unknownNames ? { taskIps: this.taskIps(fresh, base.to, network?.id), vip } : undefined;
    const pending = { from: plan.sourceTasks.length ? undefined : whyPending(model, base.from), to: plan.targetTasks ? undefined : whyPending(model, base.to) };
    const { verdict, findings } = diagnose({ ...base, network, sourceTasks: plan.sourceTasks.length, targetTasks: plan.targetTasks, sources, pairs, peers, rolling, pending, dnsTruth });
    pairs.sort((a, b) => a.sourceTask.localeCompare(b.sourceTask) || Number(b.kind === 'vip') - Number(a.kind === 'vip') || a.target.localeCompare(b.target));
    return { ...base, vip, sources, pairs, verdict, findings, commands, startedAt: new Date(plan.started).toISOString(), durationMs: Date.now() - plan.started };
  }

  /**
   * Who is mid-update, and which probed tasks were on their way in or out: from the planning
   * model, and, when something failed, one more read after the probes (a task replaced during
   * the check is gone from it, or no longer desired running).
   */
  /** Addresses on the network of every task of a service that is not finished (running, starting, stopping). */
  private taskIps(model: ClusterModel, service: string, networkId: string | undefined): string[] {
    const s = model.services.find((x) => x.name === service);
    const live = model.tasks.filter((t) => t.serviceId === s?.id && !FINISHED.has(t.state));
    return live.flatMap((t) => t.addresses.filter((a) => a.networkId === networkId).map((a) => bare(a.address)));
  }

  private rolling(model: ClusterModel, after: ClusterModel, plan: CheckPlan, probes: SourceProbe[]): RollingContext {
    const to = model.services.find((s) => s.name === plan.base.to);
    const targetIds = to ? model.tasks.filter((t) => t.serviceId === to.id && t.state === 'running').map((t) => t.id) : [];
    return rollingContext(model, after, plan.base.from, plan.base.to, {
      sources: probes.map((p) => ({ id: p.task.id, name: p.src.task })),
      targets: targetIpsOf(model, targetIds, plan.network?.id),
    });
  }

  /**
   * Checks from one source service: each of its tasks runs ONE probe covering every plan that
   * has something to probe, then each plan gets its result (reported through onResult as soon
   * as it is ready).
   */
  private async row(model: ClusterModel, plans: CheckPlan[], helperImage: string | undefined, onResult: (r: CheckResult) => void = () => {}): Promise<CheckResult[]> {
    const probed = plans.filter((p) => p.ips.length > 0);
    const groups: ProbeGroup[] = probed.map((p) => ({ target: p.base.to, port: p.base.port, ips: p.ips, ...(p.largePackets ? { large: { mtu: p.mtu, ips: p.targets.map((t) => t.ip) } } : {}) }));
    const probes = probed.length ? await Promise.all(probed[0].sourceTasks.map((task) => this.probeFrom(model, probed[0].fromService, task, groups, helperImage))) : [];
    const results: CheckResult[] = [];
    // At most one more read of the cluster per row, and only if something failed.
    let after: Promise<ClusterModel> | undefined;
    const readAfter = () =>
      (after ??= (async () => {
        // The services of this row and their tasks, read afresh; the rest as the model has it.
        await this.cluster.confirmServices([...new Set(plans.flatMap((p) => [p.base.from, p.base.to]))]);
        return this.cluster.model();
      })().catch(() => model));
    for (const plan of plans) {
      const result = await this.finish(model, plan, plan.ips.length ? probes : [], readAfter);
      onResult(result);
      results.push(result);
    }
    return results;
  }

  async run(input: ParsedInput<'checks:run'>): Promise<CheckResult> {
    // The two services and their tasks are read afresh; everything else comes from the model.
    await this.cluster.confirmServices([input.from, input.to]);
    const model = await this.cluster.model();
    const [result] = await this.row(model, [this.plan(model, input)], input.helperImage);
    return result;
  }

  /**
   * Every ordered pair of services on a network. The cluster is read once, and each source
   * task runs one probe for all the services it is checked against (one exec per task, not
   * one per pair); results are emitted as each row finishes.
   */
  private async matrix({ network, port, helperImage, matrixId }: ParsedInput<'checks:matrix'>) {
    const find = (m: ClusterModel) => m.networks.find((n) => n.name === network || n.id === network);
    let net = find(await this.cluster.model());
    if (!net) {
      await this.cluster.confirmSwarms();
      net = find(await this.cluster.model());
    }
    if (!net) throw new ApiError('not-found', `no overlay network ${network}`, { field: 'network', hint: 'Pick a network from the list.' });
    const swarmId = net.swarmId;
    const on = (m: ClusterModel) => m.services.filter((s) => s.swarmId === swarmId && s.networkIds.includes(net.id));
    // The services on the network and their tasks, read afresh in one go; the rest from the model.
    await this.cluster.confirmServices(on(await this.cluster.model()).map((s) => s.id));
    const model = await this.cluster.model();
    const services = on(model).map((s) => s.name).sort();
    const total = services.length * (services.length - 1);
    const limit = pLimit(MATRIX_AT_ONCE);
    let done = 0;
    const progress = (result: CheckResult) => matrixId && this.emit('checks:matrixProgress', { matrixId, done: ++done, total, result });
    const rows = await Promise.all(
      services.map((from) =>
        limit(async () => {
          const plans = services.filter((to) => to !== from).map((to) => this.plan(model, { from, to, port, network: net.name, helperImage, largePackets: true }));
          return this.row(model, plans, helperImage, progress);
        }),
      ),
    );
    return { network: net.name, services, results: rows.flat() };
  }

  /** Each connected node's view of the network: gossip peers and the task addresses it knows. */
  private async peers(model: ClusterModel, networkId: string): Promise<{ node: string; peers: string[]; knows?: string[] }[]> {
    return Promise.all(
      this.hosts.connectedSessions().map(async (s: HostSession) => {
        const n = await s.run((d) => engineApi.network(d, networkId, true)).catch(() => null);
        const knows = n?.Services ? Object.values(n.Services).flatMap((svc) => (svc.Tasks ?? []).map((t) => String(t.EndpointIP))) : undefined;
        // Named as the pairs name nodes (their hostname), so the diagnosis can match them.
        const node = model.nodes.find((x) => x.hostId === s.host.id)?.hostname ?? s.host.name;
        return { node, peers: (n?.Peers ?? []).map((p) => `${p.Name.slice(0, 12)} (${p.IP})`), knows };
      }),
    );
  }

  /** What a user types to repeat the probes by hand from one task. */
  private reproduce(session: HostSession, containerId: string, helper: string | undefined, name: string, port: number | undefined, ip: string): CliCommand[] {
    const inTask = (argv: string[]) => dockerCommand(session.host, helper ? ['run', '--rm', '--network', `container:${containerId.slice(0, 12)}`, helper, ...argv] : ['exec', containerId.slice(0, 12), ...argv]);
    return [inTask(['nslookup', name]), inTask(['nslookup', `tasks.${name}`]), ...(port !== undefined ? [inTask(['nc', '-w', '2', ip, String(port)])] : []), inTask(['ping', '-c', '1', '-W', '2', ip])];
  }

  readonly handlers: CheckMethods = {
    'checks:run': (input) => this.run(input),

    'checks:matrix': (input) => this.matrix(input),

    'checks:watch': async ({ intervalSec, ...check }) => {
      const watchId = randomUUID();
      const every = Math.max(MIN_WATCH_MS, intervalSec * 1000);
      const tick = async () => {
        if (!this.watches.has(watchId)) return;
        try {
          this.emit('checks:result', { watchId, result: await this.run(check) });
        } catch (err) {
          const e = err instanceof ApiError ? err : new ApiError('internal', String(err));
          this.emit('checks:result', { watchId, error: { message: e.message, hint: e.hint } });
        }
        if (this.watches.has(watchId)) this.watches.set(watchId, setTimeout(tick, every));
      };
      this.watches.set(watchId, setTimeout(tick, 0));
      return { watchId };
    },

    'checks:watchStop': async ({ watchId }) => {
      const timer = this.watches.get(watchId);
      if (timer) clearTimeout(timer);
      return { stopped: this.watches.delete(watchId) };
    },
  };

  stopAll(): void {
    for (const t of this.watches.values()) clearTimeout(t);
    this.watches.clear();
  }
}
