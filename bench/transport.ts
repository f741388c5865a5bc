// npm run bench -- transport: our SSH transport against dockerode's ssh, the docker CLI and the
// local socket, on the lab; then through a 25 ms-each-way proxy. Prints a table, then one JSON
// line of ratios measured in this same run.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { up } from '../test/lab/lab';
import { labHosts, sshRun } from '../test/support/lab';
import { startDelayProxy } from './delay-proxy';
import { concurrent, median, round, sequential, table, timed } from './stats';
import { cliClient, localClient, modemClient, oursClient, trustedKnownHosts, type BenchClient } from './transport-clients';

const CALLS = 50;
const ONE_WAY_MS = 25;

/** A swarm with a small service, so the snapshot has nodes, services, tasks and networks. */
async function ensureSwarm(): Promise<() => Promise<void>> {
  const [m, ...workers] = await labHosts();
  if ((await sshRun(m, ['docker', 'info', '--format', '{{.Swarm.LocalNodeState}}'])) === 'active') return async () => {};
  await sshRun(m, ['docker', 'swarm', 'init', '--advertise-addr', m.address]);
  const token = await sshRun(m, ['docker', 'swarm', 'join-token', '-q', 'worker']);
  for (const w of workers) await sshRun(w, ['docker', 'swarm', 'join', '--token', token, `${m.address}:2377`]);
  await sshRun(m, ['docker', 'service', 'create', '-q', '--detach', '--no-resolve-image', '--name', 'bench-web', '--replicas', '3', 'lab/web']);
  // Measure a quiet cluster: engines busy starting tasks would slow whichever client runs first.
  for (let i = 0; i < 100 && (await sshRun(m, ['docker', 'service', 'ls', '--filter', 'name=bench-web', '--format', '{{.Replicas}}'])) !== '3/3'; i++) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 3000));
  return async () => {
    for (const w of workers) await sshRun(w, ['docker', 'swarm', 'leave', '--force']).catch(() => {});
    await sshRun(m, ['docker', 'swarm', 'leave', '--force']).catch(() => {});
  };
}

const alternate = (c: BenchClient) => (i: number) => (i % 2 ? c.listContainers() : c.version());

async function measure(name: string, clients: BenchClient[]) {
  const [first] = clients;
  await first.version(); // warm-up: opens persistent connections where there are any
  const seq = await sequential(CALLS, alternate(first));
  const conc = await concurrent(CALLS, alternate(first));
  const snaps: number[] = [];
  for (let i = 0; i < 6; i++) snaps.push((await timed(() => Promise.all(clients.map((c, k) => c.snapshot(k === 0))))).ms);
  return { name, seq_ms: seq.ms, seq_failed: seq.failed, conc_ms: conc.ms, conc_failed: conc.failed, snapshot_ms: median(snaps.slice(1)) };
}

export async function benchTransport(): Promise<void> {
  await up(3);
  const hosts = await labHosts();
  const cleanupSwarm = await ensureSwarm();
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-transport-'));
  const proxy = await startDelayProxy(hosts[0].address, 22, ONE_WAY_MS);
  const knownHosts = await trustedKnownHosts(dir, hosts, [{ address: '127.0.0.1', port: proxy.port, host: hosts[0] }]);
  try {
    const ours = await Promise.all(hosts.map((h) => oursClient(h, knownHosts)));
    const results = [
      await measure('ours (persistent SSH, streamlocal)', ours.map((o) => o.client)),
      await measure("dockerode protocol 'ssh'", hosts.map((h) => modemClient(h))),
      await measure('docker CLI -H ssh://', await Promise.all(hosts.map((h) => cliClient(h)))),
      await measure('local unix socket (floor)', hosts.map((h) => localClient(h))),
    ];
    for (const o of ours) o.client.close();

    // The same sequential calls over a slow link: 25 ms each way.
    const wanConnect = await timed(() => oursClient(hosts[0], knownHosts, { address: '127.0.0.1', port: proxy.port }));
    const wanOurs = wanConnect.value.client;
    await wanOurs.version();
    const wanSeq = await sequential(CALLS, alternate(wanOurs));
    wanOurs.close();
    const wanModem = await sequential(10, alternate(modemClient(hosts[0], { address: '127.0.0.1', port: proxy.port })));
    const wanCli = await sequential(10, alternate(await cliClient(hosts[0], { address: '127.0.0.1', port: proxy.port })));
    const rtt = 2 * ONE_WAY_MS;

    const [o, m, c, l] = results;
    console.log(table(results.map((r) => ({ client: r.name, 'seq 50 (ms)': round(r.seq_ms), 'per call': round(r.seq_ms / CALLS, 2), 'conc 50 (ms)': round(r.conc_ms), 'conc failed': r.conc_failed, 'snapshot 3 hosts (ms)': round(r.snapshot_ms) }))));
    console.log(`\nAt ${rtt} ms RTT (userspace proxy): ours ${round(wanSeq.ms / CALLS)} ms a call (${round(wanSeq.ms / CALLS / rtt, 2)} RTT), new connection ${round(wanConnect.ms)} ms (${round(wanConnect.ms / rtt, 1)} RTT); dockerode ssh ${round(wanModem.ms / 10)} ms a call; CLI ${round(wanCli.ms / 10)} ms a call`);
    console.log(
      JSON.stringify({
        bench: 'transport',
        vs_modem_seq: round(m.seq_ms / o.seq_ms),
        vs_cli_seq: round(c.seq_ms / o.seq_ms),
        vs_local_seq: round(o.seq_ms / l.seq_ms, 2),
        vs_modem_conc: round(m.conc_ms / o.conc_ms),
        vs_cli_conc: round(c.conc_ms / o.conc_ms),
        ours_conc_failed: o.conc_failed,
        modem_conc_failed: m.conc_failed,
        cli_conc_failed: c.conc_failed,
        snapshot_ms: round(o.snapshot_ms),
        snapshot_vs_modem: round(m.snapshot_ms / o.snapshot_ms),
        wan_rtt_ms: rtt,
        wan_call_rtt: round(wanSeq.ms / CALLS / rtt, 2),
        wan_vs_modem: round(wanModem.ms / 10 / (wanSeq.ms / CALLS)),
      }),
    );
  } finally {
    await proxy.close();
    await cleanupSwarm();
  }
}
