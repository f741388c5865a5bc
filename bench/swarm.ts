// npm run bench -- swarm: bootstrapping a 3-host swarm through the app (init, then both joins
// in parallel, hosts already connected) against the same steps one after another with the
// `docker -H ssh://` CLI. Each side runs five times from a clean lab; medians compared.
import { up } from '../test/lab/lab';
import { labHosts, sshRun } from '../test/support/lab';
import { median, round, table, timed } from './stats';
import { dockerCliFor } from './transport-clients';
import { benchEngine } from './bench-engine';

const ROUNDS = 5;

export async function benchSwarm(): Promise<void> {
  await up(3);
  const hosts = await labHosts();
  const leaveAll = async () => {
    for (const h of [...hosts].reverse()) await sshRun(h, ['docker', 'swarm', 'leave', '--force', '2>/dev/null', '||', 'true']);
  };
  await leaveAll();

  const { engine, call, ids } = await benchEngine('swarm', hosts);
  const cli = await Promise.all(hosts.map((h) => dockerCliFor(h)));
  const app: number[] = [];
  const phases: number[] = [];
  const joins: number[] = [];
  const viaCli: number[] = [];
  try {
    for (let run = 0; run < ROUNDS; run++) {
      app.push(
        (
          await timed(async () => {
            const i0 = performance.now();
            await call('swarm:init', { id: ids[0], advertiseAddr: hosts[0].address });
            phases.push(round(performance.now() - i0));
            const j0 = performance.now();
            const { results } = (await call('swarm:join', { managerId: ids[0], joins: ids.slice(1).map((id) => ({ id, role: 'worker' })) })) as { results: { outcome: string; message: string }[] };
            const failed = results.filter((r) => r.outcome !== 'joined');
            if (failed.length) throw new Error(failed.map((f) => f.message).join('; '));
            joins.push(round(performance.now() - j0));
          })
        ).ms,
      );
      await leaveAll();
      viaCli.push(
        (
          await timed(async () => {
            await cli[0]('swarm', 'init', '--advertise-addr', hosts[0].address);
            const token = (await cli[0]('swarm', 'join-token', '-q', 'worker')).stdout.trim();
            for (const docker of cli.slice(1)) await docker('swarm', 'join', '--token', token, `${hosts[0].address}:2377`);
          })
        ).ms,
      );
      await leaveAll();
    }
  } finally {
    engine.dispose();
    await leaveAll();
  }
  console.log(`swarm:init per run (mostly dockerd's own init): ${phases.join(' / ')} ms; swarm:join of both: ${joins.join(' / ')} ms`);
  const appMs = median(app);
  const cliMs = median(viaCli);
  console.log(table([
    { way: 'Archipelago (init, then joins in parallel)', 'median ms': round(appMs), runs: app.map((x) => round(x)).join(' / ') },
    { way: 'docker -H ssh:// CLI, one step after another', 'median ms': round(cliMs), runs: viaCli.map((x) => round(x)).join(' / ') },
  ]));
  console.log(JSON.stringify({ bench: 'swarm', app_ms: round(appMs), cli_ms: round(cliMs), vs_cli: round(cliMs / appMs, 2) }));
}
