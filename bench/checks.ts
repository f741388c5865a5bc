// npm run bench -- checks: a frontend×backend check (6 tasks × 6 tasks over 3 hosts: 36 pairs,
// each with TCP, ICMP and both DNS lookups per source) through the app, against the same probes
// as a serial loop of `docker -H ssh://… exec` commands, as a user would script it. Medians of
// three app runs; the CLI loop runs once (it is the slow side by far).
import type { CheckResult, ClusterModel } from '../electron/shared/model';
import { up } from '../test/lab/lab';
import { labHosts, leaveSwarmEverywhere } from '../test/support/lab';
import { median, round, table, timed } from './stats';
import { dockerCliFor } from './transport-clients';
import { benchEngine, formSwarm } from './bench-engine';

const ROUNDS = 3;

export async function benchChecks(): Promise<void> {
  await up(3);
  const hosts = await labHosts();
  await leaveSwarmEverywhere(hosts);
  const { engine, call, ids } = await benchEngine('checks', hosts);
  try {
    await formSwarm(call, ids, hosts);
    await call('networks:create', { name: 'benchnet', subnet: '10.94.0.0/24' });
    await call('services:create', { name: 'backend', image: 'lab/web', replicas: 6, networks: ['benchnet'], endpointMode: 'dnsrr' });
    await call('services:create', { name: 'frontend', image: 'lab/web', replicas: 6, networks: ['benchnet'] });
    for (let n = 0; ; n++) {
      const m = await call<ClusterModel>('cluster:snapshot', {});
      if (m.tasks.filter((t) => t.state === 'running').length === 12) break;
      if (n > 400) throw new Error('the 12 tasks did not start');
      await new Promise((r) => setTimeout(r, 250));
    }
    // Warm-up, and wait until the overlay carries every pair (gossip converges after start).
    let warm: CheckResult | undefined;
    for (let n = 0; n < 30 && warm?.verdict.code !== 'reachable'; n++) warm = await call<CheckResult>('checks:run', { from: 'frontend', to: 'backend', port: 80 });
    if (warm?.verdict.code !== 'reachable') throw new Error(`the check never passed: ${warm?.verdict.title}`);
    const pairs = warm.pairs.length;

    const app: number[] = [];
    for (let i = 0; i < ROUNDS; i++) app.push((await timed(() => call('checks:run', { from: 'frontend', to: 'backend', port: 80 }))).ms);

    // The same probes by hand: every source task, on its node, over a fresh `docker -H ssh://`.
    const model = await call<ClusterModel>('cluster:snapshot', {});
    const svc = (name: string) => model.services.find((s) => s.name === name)!;
    const nodeHost = new Map(model.nodes.map((n) => [n.id, hosts.findIndex((h) => h.name === n.hostname)]));
    const sources = model.tasks.filter((t) => t.serviceId === svc('frontend').id && t.state === 'running');
    const targetIps = model.tasks.filter((t) => t.serviceId === svc('backend').id && t.state === 'running').map((t) => t.addresses[0].address.replace(/\/\d+$/, ''));
    const cli = await Promise.all(hosts.map((h) => dockerCliFor(h)));
    const tolerant = (p: Promise<unknown>) => p.catch(() => undefined);
    const viaCli = await timed(async () => {
      for (const s of sources) {
        const docker = cli[nodeHost.get(s.nodeId!)!];
        const cid = s.containerId!;
        await tolerant(docker('exec', cid, 'nslookup', 'backend'));
        await tolerant(docker('exec', cid, 'nslookup', 'tasks.backend'));
        for (const ip of targetIps) {
          await tolerant(docker('exec', cid, 'nc', '-w', '2', ip, '80'));
          await tolerant(docker('exec', cid, 'ping', '-c', '1', '-W', '2', ip));
        }
      }
    });
    const appMs = median(app);
    console.log(
      table([
        { way: 'Archipelago checks:run (all sources in parallel, one probe exec each)', 'median ms': round(appMs), runs: app.map((x) => round(x)).join(' / ') },
        { way: `docker -H ssh:// exec, one probe after another (${sources.length * (2 + 2 * targetIps.length)} commands)`, 'median ms': round(viaCli.ms), runs: String(round(viaCli.ms)) },
      ]),
    );
    console.log(JSON.stringify({ bench: 'checks', pairs, app_ms: round(appMs), cli_ms: round(viaCli.ms), vs_cli: round(viaCli.ms / appMs, 1) }));
  } finally {
    engine.dispose();
    await leaveSwarmEverywhere(hosts);
  }
}
