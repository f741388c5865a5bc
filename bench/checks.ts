// npm run bench -- checks: a frontend×backend check (6 tasks × 6 tasks over 3 hosts: 36 pairs,
// each with TCP and ICMP, and both DNS lookups per source) through the app, against the same
// probes by the docker CLI: plain (a serial loop of `docker -H ssh://… exec`, a new SSH
// connection each) and best (an open ControlMaster per host, each host's execs through
// `xargs -P 4`, the app's own per-host limit, all hosts at once). For the reader, one more CLI
// form: the app's own probe script in one `docker exec` per source task, all at once. Each side:
// one warm-up, then RUNS runs, interleaved; medians.
import type { CheckResult, ClusterModel } from '../electron/shared/model';
import { probeArgv } from '../electron/engine/checks/probe-script';
import { up } from '../test/lab/lab';
import { labHosts, leaveSwarmEverywhere } from '../test/support/lab';
import { waitForModel, waitForOverlay } from '../test/support/swarm-conditions';
import { benchEngine, formSwarm } from './bench-engine';
import { dockerCli, xargsDocker, type DockerCli } from './docker-cli';
import { median, round, table, timed, times, warmThenRuns } from './stats';

const RUNS = 3;
/** The app's probes at once per host (PER_HOST in check-service.ts). */
const PER_HOST = 4;

export async function benchChecks(): Promise<void> {
  await up(3);
  const hosts = await labHosts();
  await leaveSwarmEverywhere(hosts);
  const { engine, call, ids } = await benchEngine('checks', hosts);
  const clis: DockerCli[] = [];
  try {
    await formSwarm(call, ids, hosts);
    await call('networks:create', { name: 'benchnet', subnet: '10.94.0.0/24' });
    await call('services:create', { name: 'backend', image: 'lab/web', replicas: 6, networks: ['benchnet'], endpointMode: 'dnsrr' });
    await call('services:create', { name: 'frontend', image: 'lab/web', replicas: 6, networks: ['benchnet'] });
    // Every task running and every node's view of benchnet knowing them: the overlay carries
    // every pair from the first check on.
    const converged = await waitForOverlay(hosts, 'benchnet', ['frontend', 'backend'], 180_000);
    await waitForModel(() => call<ClusterModel>('cluster:snapshot', {}), converged.services);

    const model = await call<ClusterModel>('cluster:snapshot', {});
    const svc = (name: string) => model.services.find((s) => s.name === name)!;
    const hostOfNode = new Map(model.nodes.map((n) => [n.id, hosts.findIndex((h) => h.name === n.hostname)]));
    const sources = model.tasks.filter((t) => t.serviceId === svc('frontend').id && t.state === 'running');
    const targetIps = model.tasks.filter((t) => t.serviceId === svc('backend').id && t.state === 'running').map((t) => t.addresses[0].address.replace(/\/\d+$/, ''));
    // The probes by hand, as the app's CLI equivalents print them, grouped by the source's host.
    const perHost = hosts.map(() => [] as string[][]);
    for (const s of sources) {
      const cid = s.containerId!.slice(0, 12);
      perHost[hostOfNode.get(s.nodeId!)!].push(['exec', cid, 'nslookup', 'backend'], ['exec', cid, 'nslookup', 'tasks.backend'], ...targetIps.flatMap((ip) => [['exec', cid, 'nc', '-w', '2', ip, '80'], ['exec', cid, 'ping', '-c', '1', '-W', '2', ip]]));
    }
    const commandCount = perHost.reduce((n, c) => n + c.length, 0);
    const plain = await Promise.all(hosts.map((h) => dockerCli(h)));
    const best = await Promise.all(hosts.map((h) => dockerCli(h, { master: true })));
    clis.push(...plain, ...best);
    /** Runs a command; resolves with 1 if it failed, else 0. */
    const failures = (p: Promise<unknown>) => p.then(() => 0, () => 1);
    const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);

    /** Each side's run resolves with how many of its commands failed. */
    const sides: { name: string; what: string; run: () => Promise<number> }[] = [
      {
        name: 'Archipelago',
        what: 'checks:run: every source task probed at once (at most 4 per host), one exec each covering all targets, over the hosts\' open SSH connections',
        run: async () => {
          // Every run must find what the CLI sides are asked to find: all pairs answering.
          const r = await call<CheckResult>('checks:run', { from: 'frontend', to: 'backend', port: 80 });
          if (r.verdict.code !== 'reachable') throw new Error(`the check says ${r.verdict.title}: ${r.verdict.evidence.join(' | ')}`);
          return 0;
        },
      },
      {
        name: 'plain CLI',
        what: `\`docker -H ssh://… exec\` per probe, one after another (${commandCount} commands), a new SSH connection each`,
        run: async () => {
          let failed = 0;
          for (const [i, cmds] of perHost.entries()) for (const c of cmds) failed += await failures(plain[i](...c));
          return failed;
        },
      },
      {
        name: 'best CLI',
        what: `the same ${commandCount} commands through an OpenSSH ControlMaster already open per host, each host's through \`xargs -P ${PER_HOST}\`, all hosts at once`,
        run: async () => sum((await Promise.all(perHost.map((cmds, i) => xargsDocker(best[i], cmds, PER_HOST)))).map((r) => r.failed)),
      },
      {
        name: 'CLI, one script per task',
        what: `the app's own probe script by hand: one \`docker exec … sh -c SCRIPT\` per source task (${sources.length}), all at once, through the ControlMasters`,
        run: async () =>
          sum(await Promise.all(sources.map((s) => failures(best[hostOfNode.get(s.nodeId!)!]('exec', s.containerId!.slice(0, 12), 'sh', ...probeArgv([{ target: 'backend', port: 80, ips: targetIps }])))))),
      },
    ];
    const runs = new Map(sides.map((s) => [s.name, [] as number[]]));
    const failed = new Map(sides.map((s) => [s.name, 0]));
    await warmThenRuns(RUNS, async (i) => {
      for (const side of sides) {
        const { ms, value } = await timed(side.run);
        if (i < 0) continue;
        runs.get(side.name)!.push(ms);
        failed.set(side.name, failed.get(side.name)! + value);
      }
    });
    const med = (name: string) => median(runs.get(name)!);
    const app = med('Archipelago');
    console.log(`Each side: 1 warm-up, then ${RUNS} runs (interleaved); medians. ${sources.length} × ${targetIps.length} tasks, ${sources.length * targetIps.length} pairs.`);
    for (const s of sides) console.log(`  ${s.name}: ${s.what}`);
    console.log(table(sides.map((s) => ({ way: s.name, 'median ms': round(med(s.name)), runs: runs.get(s.name)!.map((x) => round(x)).join(' / '), 'vs app': round(med(s.name) / app, 1), 'failed commands': failed.get(s.name)! }))));
    console.log(
      JSON.stringify({
        bench: 'checks',
        pairs: sources.length * targetIps.length,
        app_ms: round(app),
        best_cli_ms: round(med('best CLI')),
        cli_ms: round(med('plain CLI')),
        script_cli_ms: round(med('CLI, one script per task')),
        vs_best_cli: times(med('best CLI'), app),
        vs_cli: times(med('plain CLI'), app),
        vs_script_cli: times(med('CLI, one script per task'), app),
        runs: RUNS,
      }),
    );

    // Issue 13: large-packet probes (mtu-blackhole) must not make a healthy check slow. A 3×3
    // check with them against the same check with small probes only (the check as it was before
    // them), interleaved, medians; target: at most twice the time.
    await call('services:scale', { service: 'frontend', replicas: 3 });
    await call('services:scale', { service: 'backend', replicas: 3 });
    const small = await waitForOverlay(hosts, 'benchnet', ['frontend', 'backend'], 180_000);
    await waitForModel(() => call<ClusterModel>('cluster:snapshot', {}), small.services);
    const checkOnce = (largePackets: boolean) => async () => {
      const r = await call<CheckResult>('checks:run', { from: 'frontend', to: 'backend', port: 80, largePackets });
      if (r.verdict.code !== 'reachable') throw new Error(`the 3×3 check says ${r.verdict.title}: ${r.verdict.evidence.join(' | ')}`);
    };
    const withLarge: number[] = [];
    const smallOnly: number[] = [];
    await warmThenRuns(RUNS, async (i) => {
      const a = await timed(checkOnce(true));
      const b = await timed(checkOnce(false));
      if (i >= 0) (withLarge.push(a.ms), smallOnly.push(b.ms));
    });
    const ratio = round(median(withLarge) / median(smallOnly), 2);
    console.log('Healthy 3×3 check (frontend 3 × backend 3): with large-packet probes vs small probes only (the check before them); 1 warm-up, then ' + RUNS + ' runs each, interleaved; medians.');
    console.log(table([
      { way: 'checks:run, large-packet probes on', 'median ms': round(median(withLarge)), runs: withLarge.map((x) => round(x)).join(' / ') },
      { way: 'checks:run, small probes only', 'median ms': round(median(smallOnly)), runs: smallOnly.map((x) => round(x)).join(' / ') },
    ]));
    console.log(JSON.stringify({ bench: 'checks-3x3', with_large_ms: round(median(withLarge)), small_only_ms: round(median(smallOnly)), large_vs_small: ratio, target: '<= 2', held: ratio <= 2 }));
  } finally {
    for (const c of clis) await c.close();
    engine.dispose();
    await leaveSwarmEverywhere(hosts);
  }
}
