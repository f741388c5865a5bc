// npm run bench -- stacks: a 10-service stack (two networks, a secret, replicas) deployed through
// the app against `docker -H ssh://… stack deploy` of the same file, each timed from the start
// until every service has converged (all desired tasks running), read for both sides by the same
// poller (stacks:status every 200 ms). Three rounds each, alternating, every stack removed (and
// its networks freed) between rounds; medians compared. Both sides skip registry lookups
// (--resolve-image never): the lab has no registry.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StackStatus } from '../electron/shared/stacks';
import { up } from '../test/lab/lab';
import { labHosts, leaveSwarmEverywhere } from '../test/support/lab';
import { benchEngine, formSwarm, type BenchCall } from './bench-engine';
import { median, round, table, timed } from './stats';
import { dockerCliFor } from './transport-clients';

const SERVICES = 10;
const ROUNDS = 3;

function stackFile(): string {
  const services = Array.from({ length: SERVICES }, (_, i) => {
    const net = i % 2 ? '[front, back]' : '[back]';
    return `  s${i + 1}:\n    image: lab/web\n    networks: ${net}\n    deploy:\n      replicas: ${i < 4 ? 2 : 1}\n      update_config: {parallelism: 2, delay: 1s}\n      restart_policy: {condition: on-failure}\n${i === 0 ? '    secrets: [token]\n' : ''}    environment: [SERVICE=s${i + 1}]\n`;
  }).join('');
  return `version: "3.8"\nservices:\n${services}networks:\n  front:\n  back:\nsecrets:\n  token:\n    file: ./token.txt\n`;
}

async function converged(call: BenchCall, name: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  let last: StackStatus | undefined;
  for (;;) {
    last = await call<StackStatus>('stacks:status', { name }).catch(() => undefined);
    if (last?.converged && last.services.length === SERVICES) return;
    if (Date.now() > deadline) throw new Error(`${name} did not converge in 3 minutes: ${JSON.stringify(last?.services.filter((s) => s.state !== 'converged'))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function benchStacks(): Promise<void> {
  await up(3);
  const hosts = await labHosts();
  await leaveSwarmEverywhere(hosts);
  const { engine, call, ids } = await benchEngine('stacks', hosts);
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-stacks-'));
  const compose = stackFile();
  await writeFile(path.join(dir, 'docker-stack.yml'), compose);
  await writeFile(path.join(dir, 'token.txt'), 'bench-token\n');
  const docker = await dockerCliFor(hosts[0]);
  const cliVersion = (await docker('version', '--format', '{{.Client.Version}}')).stdout.trim();
  const app: number[] = [];
  const cli: number[] = [];
  try {
    await formSwarm(call, ids, hosts);
    for (let round_ = 0; round_ < ROUNDS; round_++) {
      app.push(
        (
          await timed(async () => {
            await call('stacks:deploy', { name: 'bapp', compose, files: { './token.txt': 'bench-token\n' } });
            await converged(call, 'bapp');
          })
        ).ms,
      );
      await call('stacks:remove', { name: 'bapp' });
      cli.push(
        (
          await timed(async () => {
            await docker('stack', 'deploy', '--resolve-image', 'never', '-c', path.join(dir, 'docker-stack.yml'), 'bcli');
            await converged(call, 'bcli');
          })
        ).ms,
      );
      await call('stacks:remove', { name: 'bcli' });
    }
  } finally {
    engine.dispose();
    await leaveSwarmEverywhere(hosts);
  }
  const appMs = median(app);
  const cliMs = median(cli);
  console.log(`a ${SERVICES}-service stack (14 tasks, 2 networks, a secret), deploy until converged; CLI: docker ${cliVersion}`);
  console.log(
    table([
      { way: 'Archipelago stacks:deploy', 'median ms': round(appMs), runs: app.map((x) => round(x)).join(' / ') },
      { way: 'docker -H ssh:// stack deploy', 'median ms': round(cliMs), runs: cli.map((x) => round(x)).join(' / ') },
    ]),
  );
  console.log(JSON.stringify({ bench: 'stacks', services: SERVICES, app_ms: round(appMs), cli_ms: round(cliMs), vs_cli: round(cliMs / appMs, 2) }));
}
