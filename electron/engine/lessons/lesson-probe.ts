// The lessons' probe, from one task of a service or from one standalone container: what some
// names resolve to there, and whether some addresses answer (TCP to a port, and ICMP). Runs in
// the source's own network namespace on its node (exec, or a helper sharing its network, as the
// checks do). The script is a constant; names, port and addresses are its arguments.
import type Docker from 'dockerode';
import type { Handlers, ParsedInput } from '../../shared/contract';
import { ApiError } from '../../shared/errors';
import type { LessonProbeResult } from '../../shared/lessons';
import type { ClusterModel, CliCommand } from '../../shared/model';
import { parseProbeOutput } from '../checks/probe-script';
import { runInTask } from '../checks/probe-runner';
import type { HostService } from '../hosts/host-handlers';
import type { HostSession } from '../hosts/host-session';
import { dockerCommand } from '../swarm/cli-equivalent';

type ProbeMethods = Pick<Handlers, 'lessons:probe'>;

/** Output lines as the checks' probe writes them (dns / tcp / icmp), so its parser reads them. */
export const LESSON_PROBE_SCRIPT = [
  'for t in nslookup nc ping; do command -v "$t" >/dev/null 2>&1 || { echo "missing $t"; exit 3; }; done',
  'while [ $# -gt 0 ] && [ "$1" != "--" ]; do',
  '  a=$(nslookup "$1" 2>/dev/null | sed -n "/^Name:/,\\$ s/^Address[^:]*: *\\([0-9.]*\\).*/\\1/p" | tr "\\n" " ")',
  '  echo "dns $1 $a"; shift',
  'done',
  '[ $# -gt 0 ] && shift',
  'port="${1:--}"; [ $# -gt 0 ] && shift',
  'for ip in "$@"; do',
  '  if [ "$port" != "-" ]; then (',
  '    t0=$(cut -d" " -f1 /proc/uptime)',
  '    m=$(nc -w 2 "$ip" "$port" </dev/null 2>&1); rc=$?',
  '    t1=$(cut -d" " -f1 /proc/uptime)',
  '    echo "tcp $ip $port $rc $t0 $t1 $(echo $m | tr "\\n" " ")"',
  '  ) & fi',
  '  ( o=$(ping -c 3 -W 2 "$ip" 2>&1); rc=$?; echo "icmp $ip $rc $(echo "$o" | grep -o "time=[0-9.]* ms" | head -n 1)" ) &',
  'done',
  'wait',
  'exit 0',
].join('\n');

export function lessonProbeArgv(names: string[], ips: string[], port?: number): string[] {
  return ['-c', LESSON_PROBE_SCRIPT, 'archipelago-lesson-probe', ...names, '--', port === undefined ? '-' : String(port), ...ips];
}

export class LessonProbe {
  constructor(
    private readonly hosts: HostService,
    private readonly model: (fresh?: boolean) => Promise<ClusterModel>,
  ) {}

  private session(hostId: string | undefined, what: string): HostSession {
    const session = hostId ? this.hosts.connectedSessions().find((s) => s.host.id === hostId) : undefined;
    if (!session) throw new ApiError('unreachable', `${what} is on a host that is not connected`, { hint: 'Connect that host on the Hosts page, then try again.' });
    return session;
  }

  /** The source: a running task of the service (the one asked for, else the first), or a named container on a host. */
  private async source(input: ParsedInput<'lessons:probe'>): Promise<{ session: HostSession; containerId: string; kind: 'task' | 'container'; name: string; id: string; node?: string }> {
    if (input.from) {
      const model = await this.model(true);
      const service = model.services.find((s) => s.name === input.from || s.id === input.from);
      if (!service) throw new ApiError('not-found', `no service ${input.from}`, { field: 'from', hint: 'Create it first (an earlier step of the lesson).' });
      const running = model.tasks.filter((t) => t.serviceId === service.id && t.state === 'running' && t.containerId).sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0));
      const task = input.taskId ? running.find((t) => t.id === input.taskId) : running[0];
      if (!task) throw new ApiError('not-found', input.taskId ? `task ${input.taskId} of ${service.name} is not running any more` : `${service.name} has no running task`, { field: 'from', hint: 'Wait for its tasks to start (or scale it up), then try again.' });
      const node = model.nodes.find((n) => n.id === task.nodeId);
      return { session: this.session(node?.hostId, `${service.name}.${task.slot}`), containerId: task.containerId!, kind: 'task', name: `${service.name}.${task.slot ?? task.nodeId?.slice(0, 6)}`, id: task.id, node: node?.hostname };
    }
    const session = this.session(input.hostId, `container ${input.container}`);
    const info = (await session.run((d: Docker) => d.getContainer(input.container!).inspect()).catch(() => null)) as { Id: string; Name: string; State?: { Running?: boolean } } | null;
    if (!info?.State?.Running) throw new ApiError('not-found', `no running container ${input.container} on ${session.name}`, { field: 'container', hint: 'Run it first (an earlier step of the lesson).' });
    return { session, containerId: info.Id, kind: 'container', name: info.Name.replace(/^\//, ''), id: info.Id, node: session.name };
  }

  async probe(input: ParsedInput<'lessons:probe'>): Promise<LessonProbeResult> {
    const src = await this.source(input);
    const run = await runInTask(src.session, src.containerId, lessonProbeArgv(input.names, input.ips, input.port));
    const out = parseProbeOutput(run.output);
    const inIt = (argv: string[]): CliCommand =>
      dockerCommand(src.session.host, run.via === 'helper' ? ['run', '--rm', '--network', `container:${src.containerId.slice(0, 12)}`, run.helperImage!, ...argv] : ['exec', src.containerId.slice(0, 12), ...argv]);
    const commands = [...input.names.map((n) => inIt(['nslookup', n])), ...input.ips.flatMap((ip) => [...(input.port !== undefined ? [inIt(['nc', '-w', '2', ip, String(input.port)])] : []), inIt(['ping', '-c', '3', '-W', '2', ip])])];
    return {
      source: { kind: src.kind, name: src.name, id: src.id, host: src.session.name, node: src.node, via: run.via, helperImage: run.helperImage },
      dns: input.names.map((name) => ({ name, addresses: out.dns.get(name) ?? [] })),
      results: input.ips.map((ip) => {
        const tcp = input.port === undefined ? undefined : (out.tcp.get(ip) ?? { result: 'not-run', detail: 'no result' });
        const icmp = out.icmp.get(ip) ?? { result: 'not-run', detail: 'no result' };
        return { ip, tcp, icmp, reachable: tcp ? tcp.result === 'ok' : icmp.result === 'ok' };
      }),
      commands,
    };
  }

  readonly handlers: ProbeMethods = {
    'lessons:probe': (input) => this.probe(input),
  };
}
