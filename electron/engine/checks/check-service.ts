// "Can A reach B?": probes from every running task of A, on its own node, to B's name,
// tasks.B, its VIP and each of its task IPs, then a diagnosis in words. Also the matrix over a
// network's services and a repeating watch whose results stream as events.
import { randomUUID } from 'node:crypto';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Handlers, ParsedInput } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import type { EventSink } from '../../shared/events';
import type { CheckPair, CheckResult, CheckSource, ClusterModel, CliCommand, ServiceView } from '../../shared/model';
import type { HostService } from '../hosts/host-handlers';
import type { HostSession } from '../hosts/host-session';
import { dockerCommand } from '../swarm/cli-equivalent';
import { pickManager, promised } from '../swarm/managers';
import { diagnose } from './diagnosis';
import { parseProbeOutput } from './probe-script';
import { runProbe } from './probe-runner';

type CheckMethods = Pick<Handlers, 'checks:run' | 'checks:matrix' | 'checks:watch' | 'checks:watchStop'>;
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Probes at once per host: each holds a channel and spawns processes on that node. */
const PER_HOST = 4;
const MIN_WATCH_MS = 2_000;
/**
 * Checks of a matrix at once. Each already probes from every source task in parallel; running
 * all pairs together starves small hosts and turns slow answers into false "unreachable".
 */
const MATRIX_AT_ONCE = 2;
const bare = (cidr: string) => cidr.replace(/\/\d+$/, '');

export class CheckService {
  private readonly limits = new Map<string, LimitFunction>();
  private readonly watches = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly hosts: HostService,
    private readonly model: (fresh?: boolean) => Promise<ClusterModel>,
    private readonly emit: EventSink,
  ) {}

  private limit(hostId: string): LimitFunction {
    let l = this.limits.get(hostId);
    if (!l) this.limits.set(hostId, (l = pLimit(PER_HOST)));
    return l;
  }

  private service(model: ClusterModel, ref: string, field: 'from' | 'to'): ServiceView {
    const s = model.services.find((x) => x.name === ref || x.id === ref);
    if (!s) throw new ApiError('not-found', `no service ${ref}`, { field, hint: 'Pick a service from the list (the cluster model may be a moment behind: try again).' });
    return s;
  }

  /** `model`: the matrix reads the cluster once for all its pairs instead of once per pair. */
  async run(input: ParsedInput<'checks:run'>, given?: ClusterModel): Promise<CheckResult> {
    const started = Date.now();
    const model = given ?? (await this.model(true));
    const from = this.service(model, input.from, 'from');
    const to = this.service(model, input.to, 'to');
    const overlays = new Map(model.networks.filter((n) => !n.ingress).map((n) => [n.id, n]));
    const common = from.networkIds.filter((id) => to.networkIds.includes(id) && overlays.has(id)).map((id) => overlays.get(id)!);
    let network = common[0];
    if (input.network) {
      network = common.find((n) => n.name === input.network || n.id === input.network)!;
      if (!network) throw new ApiError('invalid-input', `network: ${input.network} is not shared by ${from.name} and ${to.name}`, { field: 'network', hint: `Pick one of: ${common.map((n) => n.name).join(', ') || 'none (they share no overlay)'}.` });
    }
    const nodeName = (id?: string) => model.nodes.find((n) => n.id === id)?.hostname ?? id?.slice(0, 12) ?? '?';
    const running = (s: ServiceView) => model.tasks.filter((t) => t.serviceId === s.id && t.state === 'running');
    const taskName = (s: ServiceView, t: { slot?: number; id: string; nodeId?: string }) => `${s.name}.${t.slot ?? t.nodeId?.slice(0, 6)}`;
    const sourceTasks = running(from);
    const targets = running(to).flatMap((t) => {
      const a = t.addresses.find((x) => x.networkId === network?.id);
      return a ? [{ name: taskName(to, t), ip: bare(a.address), nodeId: t.nodeId }] : [];
    });
    const port = input.port ?? to.ports[0]?.target;
    const base = { from: from.name, to: to.name, port, endpointMode: to.endpointMode, network: network && { id: network.id, name: network.name, encrypted: network.encrypted } };

    if (!network || !sourceTasks.length || !targets.length) {
      const { verdict, findings } = diagnose({ ...base, network, sourceTasks: sourceTasks.length, targetTasks: running(to).length, sources: [], pairs: [] });
      return { ...base, sources: [], pairs: [], verdict, findings, commands: [], startedAt: new Date(started).toISOString(), durationMs: Date.now() - started };
    }

    const vip = to.endpointMode === 'vip' ? await this.vip(to.id, network.id) : undefined;
    const ips = [...(vip ? [vip] : []), ...targets.map((t) => t.ip)];
    const commands: CliCommand[] = [];
    const pairs: CheckPair[] = [];
    const sources: CheckSource[] = await Promise.all(
      sourceTasks.map(async (task): Promise<CheckSource> => {
        const node = model.nodes.find((n) => n.id === task.nodeId);
        const src = { task: taskName(from, task), node: nodeName(task.nodeId) };
        const session = node?.hostId ? this.hosts.connectedSessions().find((s) => s.host.id === node.hostId) : undefined;
        if (!session || !task.containerId) {
          return { ...src, via: 'none', dns: [], error: session ? 'the task has no container yet' : `${src.node} is not a connected Archipelago host, so nothing can run there` };
        }
        try {
          const probe = await this.limit(session.host.id)(() => runProbe(session, task.containerId!, to.name, port, ips, input.helperImage));
          const out = parseProbeOutput(probe.output);
          for (const ip of ips) {
            const target = targets.find((t) => t.ip === ip);
            const tcp = port === undefined ? undefined : (out.tcp.get(ip) ?? { result: 'not-run' as const, detail: 'no result' });
            const icmp = out.icmp.get(ip) ?? { result: 'not-run' as const, detail: 'no result' };
            const reachable = tcp ? tcp.result === 'ok' : icmp.result === 'ok';
            pairs.push({
              sourceTask: src.task,
              sourceNode: src.node,
              target: target?.name ?? 'VIP',
              targetIp: ip,
              targetNode: target && nodeName(target.nodeId),
              kind: target ? 'task' : 'vip',
              sameHost: Boolean(target && target.nodeId === task.nodeId),
              tcp,
              icmp,
              reachable,
              latencyMs: icmp.result === 'ok' ? icmp.ms : tcp?.result === 'ok' ? tcp.ms : undefined,
            });
          }
          if (commands.length < 4) commands.push(...this.reproduce(session, task.containerId, probe.via === 'helper' ? probe.helperImage : undefined, to.name, port, ips[0]));
          return { ...src, via: probe.via, helperImage: probe.helperImage, dns: [...out.dns].map(([name, addresses]) => ({ name, addresses })) };
        } catch (err) {
          return { ...src, via: 'none', dns: [], error: err instanceof ApiError ? `${err.message}${err.hint ? `. ${err.hint}` : ''}` : String(err) };
        }
      }),
    );
    // Each node's view of the network explains failures between hosts and names that resolve on
    // some nodes only (gossip lag); read only when one of those is seen.
    const crossFails = pairs.some((p) => p.kind === 'task' && !p.sameHost && !p.reachable && p.tcp?.result !== 'refused');
    const unresolvedSomewhere = sources.some((s) => s.via !== 'none' && s.dns.every((r) => r.addresses.length === 0));
    const peers = crossFails || unresolvedSomewhere ? await this.peers(network.id, (hostId) => model.nodes.find((n) => n.hostId === hostId)?.hostname ?? this.hosts.connectedSessions().find((x) => x.host.id === hostId)!.host.name) : undefined;
    const { verdict, findings } = diagnose({ ...base, network, sourceTasks: sourceTasks.length, targetTasks: targets.length, sources, pairs, peers });
    pairs.sort((a, b) => a.sourceTask.localeCompare(b.sourceTask) || Number(b.kind === 'vip') - Number(a.kind === 'vip') || a.target.localeCompare(b.target));
    return { ...base, vip, sources, pairs, verdict, findings, commands, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started };
  }

  private async vip(serviceId: string, networkId: string): Promise<string | undefined> {
    const { session } = await pickManager(this.hosts);
    const s: Any = await session.run((d) => promised(d.getService(serviceId)).inspect());
    const v = ((s.Endpoint?.VirtualIPs ?? []) as Any[]).find((x) => x.NetworkID === networkId);
    return v?.Addr ? bare(v.Addr) : undefined;
  }

  /** Each connected node's view of the network: gossip peers and the task addresses it knows. */
  private async peers(networkId: string, nodeName: (hostId: string) => string): Promise<{ node: string; peers: string[]; knows?: string[] }[]> {
    return Promise.all(
      this.hosts.connectedSessions().map(async (s: HostSession) => {
        const n: Any | null = await s.run((d) => promised(d.getNetwork(networkId)).inspect({ verbose: true })).catch(() => null);
        const knows = n?.Services ? Object.values(n.Services as Record<string, Any>).flatMap((svc) => ((svc.Tasks ?? []) as Any[]).map((t) => String(t.EndpointIP))) : undefined;
        return { node: nodeName(s.host.id), peers: ((n?.Peers ?? []) as Any[]).map((p) => `${p.Name.slice(0, 12)} (${p.IP})`), knows };
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

    'checks:matrix': async ({ network, port, helperImage, matrixId }) => {
      const model = await this.model(true);
      const net = model.networks.find((n) => n.name === network || n.id === network);
      if (!net) throw new ApiError('not-found', `no overlay network ${network}`, { field: 'network', hint: 'Pick a network from the list.' });
      const services = model.services.filter((s) => s.networkIds.includes(net.id)).map((s) => s.name).sort();
      const pairs = services.flatMap((a) => services.filter((b) => b !== a).map((b) => [a, b] as const));
      const limit = pLimit(MATRIX_AT_ONCE);
      let done = 0;
      const results = await Promise.all(
        pairs.map(([from, to]) =>
          limit(async () => {
            const result = await this.run({ from, to, port, network: net.name, helperImage }, model);
            if (matrixId) this.emit('checks:matrixProgress', { matrixId, done: ++done, total: pairs.length, result });
            return result;
          }),
        ),
      );
      return { network: net.name, services, results };
    },

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
