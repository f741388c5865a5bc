// npm run bench -- transport: our SSH transport against dockerode's ssh, the docker CLI in its
// plain form and in its best form (an open OpenSSH ControlMaster; `xargs -P` for bursts), and
// the local socket, on the lab; then through a 25 ms-each-way proxy. Every side gets the same
// runs (one warm-up, then RUNS, interleaved so a busy machine slows all alike); figures are
// medians. Prints what each baseline is, a table, then one JSON line of ratios.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { up } from '../test/lab/lab';
import { labHosts, sshRun } from '../test/support/lab';
import { waitForSettled } from '../test/support/swarm-conditions';
import { startDelayProxy } from './delay-proxy';
import { dockerCli, type DockerCli } from './docker-cli';
import { median, round, sequential, table, timed, times, warmThenRuns } from './stats';
import { cliClient, localClient, modemClient, oursClient, trustedKnownHosts, type BenchClient } from './transport-clients';

const CALLS = 50;
const WAN_CALLS = 10;
const RUNS = 3;
const ONE_WAY_MS = 25;
/**
 * xargs -P for the best CLI's bursts: the most sessions one master connection may hold below
 * sshd's MaxSessions 10 (LAB-NOTES: a cap of 8 never failed; 50 at once loses a fifth).
 */
const BEST_PARALLEL = 8;

/** A swarm with a small service, so the snapshot has nodes, services, tasks and networks. */
async function ensureSwarm(): Promise<() => Promise<void>> {
  const hosts = await labHosts();
  const [m, ...workers] = hosts;
  if ((await sshRun(m, ['docker', 'info', '--format', '{{.Swarm.LocalNodeState}}'])) === 'active') return async () => {};
  await sshRun(m, ['docker', 'swarm', 'init', '--advertise-addr', m.address]);
  const token = await sshRun(m, ['docker', 'swarm', 'join-token', '-q', 'worker']);
  for (const w of workers) await sshRun(w, ['docker', 'swarm', 'join', '--token', token, `${m.address}:2377`]);
  await sshRun(m, ['docker', 'service', 'create', '-q', '--detach', '--no-resolve-image', '--name', 'bench-web', '--replicas', '3', 'lab/web']);
  // Measure a quiet cluster: engines busy starting tasks would slow whichever client runs first.
  await waitForSettled(hosts, ['bench-web']);
  await new Promise((r) => setTimeout(r, 3000));
  return async () => {
    for (const w of workers) await sshRun(w, ['docker', 'swarm', 'leave', '--force']).catch(() => {});
    await sshRun(m, ['docker', 'swarm', 'leave', '--force']).catch(() => {});
  };
}

const alternate = (c: BenchClient) => (i: number) => (i % 2 ? c.listContainers() : c.version());

interface Side {
  name: string;
  /** What this baseline is, for the reader of the table. */
  what: string;
  clients: BenchClient[];
}

interface Run {
  seq: number;
  seqFailed: number;
  conc: number;
  concFailed: number;
  snapshot: number;
}

async function oneRun(side: Side, calls: number): Promise<Run> {
  const [first] = side.clients;
  const seq = await sequential(calls, alternate(first));
  const conc = await first.burst(calls);
  const snapshot = (await timed(() => Promise.all(side.clients.map((c, k) => c.snapshot(k === 0))))).ms;
  return { seq: seq.ms, seqFailed: seq.failed, conc: conc.ms, concFailed: conc.failed, snapshot };
}

/** Every side: a warm-up, then RUNS rounds in which each side runs once in turn. */
async function measureAll(sides: Side[], calls: number, runOf: (side: Side, calls: number) => Promise<Run> = oneRun) {
  const runs = new Map<Side, Run[]>(sides.map((s) => [s, []]));
  await warmThenRuns(RUNS, async (i) => {
    for (const s of sides) {
      const r = await runOf(s, calls);
      if (i >= 0) runs.get(s)!.push(r);
    }
  });
  return sides.map((s) => {
    const rs = runs.get(s)!;
    const sum = (k: keyof Run) => rs.reduce((n, r) => n + r[k], 0);
    return { side: s, seq: median(rs.map((r) => r.seq)), conc: median(rs.map((r) => r.conc)), snapshot: median(rs.map((r) => r.snapshot)), seqFailed: sum('seqFailed'), concFailed: sum('concFailed') };
  });
}

export async function benchTransport(): Promise<void> {
  await up(3);
  const hosts = await labHosts();
  const cleanupSwarm = await ensureSwarm();
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-transport-'));
  const proxy = await startDelayProxy(hosts[0].address, 22, ONE_WAY_MS);
  const wanEndpoint = { address: '127.0.0.1', port: proxy.port };
  const knownHosts = await trustedKnownHosts(dir, hosts, [{ address: '127.0.0.1', port: proxy.port, host: hosts[0] }]);
  const clis: DockerCli[] = [];
  const cli = async (...args: Parameters<typeof dockerCli>) => {
    const c = await dockerCli(...args);
    clis.push(c);
    return c;
  };
  try {
    const ours = await Promise.all(hosts.map((h) => oursClient(h, knownHosts)));
    const sides: Side[] = [
      { name: 'ours', what: 'Archipelago: one persistent SSH connection per host, HTTP over direct-streamlocal channels', clients: ours.map((o) => o.client) },
      { name: "dockerode 'ssh'", what: "dockerode's own protocol 'ssh': a new SSH connection and `docker system dial-stdio` per request", clients: hosts.map((h) => modemClient(h)) },
      { name: 'plain CLI', what: '`docker -H ssh://` as typed: a new SSH connection per command; bursts all at once', clients: await Promise.all(hosts.map(async (h) => cliClient(await cli(h)))) },
      {
        name: 'best CLI',
        what: `\`docker -H ssh://\` through an OpenSSH ControlMaster already open (ControlPersist); bursts through \`xargs -P ${BEST_PARALLEL}\` (below sshd's MaxSessions 10); snapshot reads of all hosts at once`,
        clients: await Promise.all(hosts.map(async (h) => cliClient(await cli(h, { master: true }), BEST_PARALLEL))),
      },
      { name: 'local socket', what: "the host's own unix socket, no SSH at all: the floor", clients: hosts.map((h) => localClient(h)) },
    ];
    const results = await measureAll(sides, CALLS);

    // The same sequential calls over a slow link (25 ms each way), ours connected afresh.
    const wanConnect = await timed(() => oursClient(hosts[0], knownHosts, wanEndpoint));
    const wanSides: Side[] = [
      { name: 'ours', what: '', clients: [wanConnect.value.client] },
      { name: "dockerode 'ssh'", what: '', clients: [modemClient(hosts[0], wanEndpoint)] },
      { name: 'plain CLI', what: '', clients: [cliClient(await cli(hosts[0], { endpoint: wanEndpoint }))] },
      { name: 'best CLI', what: '', clients: [cliClient(await cli(hosts[0], { endpoint: wanEndpoint, master: true }), BEST_PARALLEL)] },
    ];
    const seqOnly = async (s: Side, calls: number): Promise<Run> => {
      const r = await sequential(calls, alternate(s.clients[0]));
      return { seq: r.ms, seqFailed: r.failed, conc: 0, concFailed: 0, snapshot: 0 };
    };
    const wan = await measureAll(wanSides, WAN_CALLS, seqOnly);
    wanConnect.value.client.close();
    for (const o of ours) o.client.close();

    const rtt = 2 * ONE_WAY_MS;
    const by = (name: string, rs = results) => rs.find((r) => r.side.name === name)!;
    const [o, m, plain, best, local] = ['ours', "dockerode 'ssh'", 'plain CLI', 'best CLI', 'local socket'].map((n) => by(n));
    console.log(`Each side: 1 warm-up, then ${RUNS} runs (interleaved); medians. A run: ${CALLS} sequential calls (version / container list alternating), ${CALLS} at once, and a snapshot of all 3 hosts.`);
    for (const s of sides) console.log(`  ${s.name}: ${s.what}`);
    console.log(
      table(
        results.map((r) => ({
          client: r.side.name,
          'seq 50 (ms)': round(r.seq),
          'per call': round(r.seq / CALLS, 2),
          'conc 50 (ms)': round(r.conc),
          'failed (seq/conc, all runs)': `${r.seqFailed}/${r.concFailed}`,
          'snapshot 3 hosts (ms)': round(r.snapshot),
        })),
      ),
    );
    const wanPer = (name: string) => by(name, wan).seq / WAN_CALLS;
    console.log(
      `\nAt ${rtt} ms RTT (userspace proxy), a sequential call: ours ${round(wanPer('ours'))} ms (${round(wanPer('ours') / rtt, 2)} RTT; a new connection took ${round(wanConnect.ms)} ms = ${round(wanConnect.ms / rtt, 1)} RTT); dockerode ssh ${round(wanPer("dockerode 'ssh'"))} ms; plain CLI ${round(wanPer('plain CLI'))} ms; best CLI ${round(wanPer('best CLI'))} ms`,
    );
    console.log(
      JSON.stringify({
        bench: 'transport',
        vs_best_cli: { seq: times(best.seq, o.seq), conc: times(best.conc, o.conc), snapshot: times(best.snapshot, o.snapshot), wan: times(wanPer('best CLI'), wanPer('ours')) },
        vs_cli: { seq: times(plain.seq, o.seq), conc: times(plain.conc, o.conc), snapshot: times(plain.snapshot, o.snapshot), wan: times(wanPer('plain CLI'), wanPer('ours')) },
        vs_modem: { seq: times(m.seq, o.seq), conc: times(m.conc, o.conc), snapshot: times(m.snapshot, o.snapshot), wan: times(wanPer("dockerode 'ssh'"), wanPer('ours')) },
        vs_local_seq: round(o.seq / local.seq, 2),
        failed: { ours: o.seqFailed + o.concFailed, modem: m.seqFailed + m.concFailed, cli: plain.seqFailed + plain.concFailed, best_cli: best.seqFailed + best.concFailed },
        best_cli_parallel: BEST_PARALLEL,
        runs: RUNS,
        snapshot_ms: round(o.snapshot),
        wan_rtt_ms: rtt,
        wan_call_rtt: round(wanPer('ours') / rtt, 2),
      }),
    );
  } finally {
    for (const c of clis) await c.close();
    await proxy.close();
    await cleanupSwarm();
  }
}
