// npm run bench -- stacks: a 10-service stack (two networks, a secret, replicas) deployed through
// the app against `docker stack deploy` of the same file, each timed from the start until every
// service has converged (all desired tasks running), read for every side by the same poller
// (stacks:status every 200 ms). The CLI runs in its plain form (`docker -H ssh://`, a new SSH
// connection per command) and in its best form (the same through an OpenSSH ControlMaster that
// is already open). One warm-up and three runs per side, interleaved round by round; every
// stack removed (and its networks freed) between runs; medians compared. All sides skip
// registry lookups (--resolve-image never): the lab has no registry. The floor is the same
// deploy on the manager's own unix socket (no SSH): swarm's own time to converge, which no
// client can beat; vs_floor = app ÷ floor says how close to it the app comes.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StackStatus } from '../electron/shared/stacks';
import { up } from '../test/lab/lab';
import { dockerSocket, labHost } from '../test/lab/config';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { labHosts, leaveSwarmEverywhere } from '../test/support/lab';
import { benchEngine, formSwarm, type BenchCall } from './bench-engine';
import { dockerCli, type DockerCli } from './docker-cli';
import { median, round, table, timed, times, warmThenRuns } from './stats';

const SERVICES = 10;
const RUNS = 3;

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
  const file = path.join(dir, 'docker-stack.yml');
  await writeFile(file, compose);
  await writeFile(path.join(dir, 'token.txt'), 'bench-token\n');
  const clis: DockerCli[] = [];
  try {
    const plain = await dockerCli(hosts[0]);
    const best = await dockerCli(hosts[0], { master: true });
    clis.push(plain, best);
    const cliVersion = (await plain('version', '--format', '{{.Client.Version}}')).stdout.trim();
    const cliDeploy = (docker: DockerCli, name: string) => async () => {
      await docker('stack', 'deploy', '--resolve-image', 'never', '-c', file, name);
      await converged(call, name);
    };
    const sides: { name: string; what: string; stack: string; run: () => Promise<void> }[] = [
      {
        name: 'Archipelago',
        what: 'stacks:deploy over the open SSH connection',
        stack: 'bapp',
        run: async () => {
          await call('stacks:deploy', { name: 'bapp', compose, files: { './token.txt': 'bench-token\n' } });
          await converged(call, 'bapp');
        },
      },
      { name: 'plain CLI', what: `docker ${cliVersion} -H ssh:// stack deploy, a new SSH connection per command`, stack: 'bplain', run: cliDeploy(plain, 'bplain') },
      { name: 'best CLI', what: `the same through an OpenSSH ControlMaster already open (ControlPersist)`, stack: 'bbest', run: cliDeploy(best, 'bbest') },
      {
        name: 'floor',
        what: "the same docker stack deploy on the manager's own unix socket, no SSH at all: swarm's own time to create and converge the stack",
        stack: 'bfloor',
        run: async () => {
          await promisify(execFile)('docker', ['-H', `unix://${dockerSocket(labHost(1))}`, 'stack', 'deploy', '--resolve-image', 'never', '-c', file, 'bfloor'], { timeout: 120_000 });
          await converged(call, 'bfloor');
        },
      },
    ];
    await formSwarm(call, ids, hosts);
    const runs = new Map(sides.map((s) => [s.name, [] as number[]]));
    await warmThenRuns(RUNS, async (i) => {
      for (const side of sides) {
        const { ms } = await timed(side.run);
        if (i >= 0) runs.get(side.name)!.push(ms);
        await call('stacks:remove', { name: side.stack });
      }
    });
    const med = (name: string) => median(runs.get(name)!);
    console.log(`a ${SERVICES}-service stack (14 tasks, 2 networks, a secret), deploy until converged. 1 warm-up, then ${RUNS} runs per side, interleaved; medians.`);
    for (const s of sides) console.log(`  ${s.name}: ${s.what}`);
    console.log(table(sides.map((s) => ({ way: s.name, 'median ms': round(med(s.name)), runs: runs.get(s.name)!.map((x) => round(x)).join(' / ') }))));
    const appMs = med('Archipelago');
    console.log(JSON.stringify({ bench: 'stacks', services: SERVICES, app_ms: round(appMs), cli_ms: round(med('plain CLI')), best_cli_ms: round(med('best CLI')), vs_cli: times(med('plain CLI'), appMs, 2), vs_best_cli: times(med('best CLI'), appMs, 2), floor_ms: round(med('floor')), vs_floor: round(appMs / med('floor'), 2) }));
  } finally {
    engine.dispose();
    for (const c of clis) await c.close();
    await leaveSwarmEverywhere(hosts);
  }
}
