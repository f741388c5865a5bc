// npm run bench -- swarm: bootstrapping a 3-host swarm (init, then both joins) through the app,
// against its physical limit and against the CLI. dockerd's own init and join dominate every
// side, so the measure that matters is vs_floor: the app ÷ the same steps run over each host's
// local unix socket, joins in parallel, no SSH at all (target ≤ 1.25). The CLI sides stay
// beside it: plain (`docker -H ssh://`, one step after another) and best (an open ControlMaster
// per host, both joins at once). Each side: one warm-up, then ROUNDS rounds, interleaved, every
// side from a lab out of any swarm; medians.
import { createLocalDockerClient } from '../electron/engine/docker/docker-client';
import { dockerSocket, labHost } from '../test/lab/config';
import { up } from '../test/lab/lab';
import { labHosts, leaveSwarmEverywhere } from '../test/support/lab';
import { benchEngine } from './bench-engine';
import { dockerCli } from './docker-cli';
import { median, round, table, timed, warmThenRuns } from './stats';

const ROUNDS = 5;

export async function benchSwarm(): Promise<void> {
  await up(3);
  const hosts = await labHosts();
  const manager = hosts[0];
  const managerAddr = `${manager.address}:2377`;
  await leaveSwarmEverywhere(hosts);

  const { engine, call, ids } = await benchEngine('swarm', hosts);
  const plain = await Promise.all(hosts.map((h) => dockerCli(h)));
  const best = await Promise.all(hosts.map((h) => dockerCli(h, { master: true })));
  const local = hosts.map((h) => createLocalDockerClient(dockerSocket(labHost(Number(h.name.slice(1))))));

  const sides: { name: string; what: string; run: () => Promise<unknown> }[] = [
    {
      name: 'Archipelago',
      what: 'swarm:init, then swarm:join of both (in parallel, each after its port preflight), over the hosts\' SSH connections, already open',
      run: async () => {
        await call('swarm:init', { id: ids[0], advertiseAddr: manager.address });
        const { results } = await call<{ results: { outcome: string; message: string }[] }>('swarm:join', { managerId: ids[0], joins: ids.slice(1).map((id) => ({ id, role: 'worker' })) });
        const failed = results.filter((r) => r.outcome !== 'joined');
        if (failed.length) throw new Error(failed.map((f) => f.message).join('; '));
      },
    },
    {
      name: 'floor',
      what: "the same steps over each host's local unix socket (init, read the token, both joins at once), no SSH",
      run: async () => {
        await local[0].swarmInit({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: manager.address });
        const token = ((await local[0].swarmInspect()) as { JoinTokens: { Worker: string } }).JoinTokens.Worker;
        await Promise.all(local.slice(1).map((d, i) => d.swarmJoin({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: hosts[i + 1].address, RemoteAddrs: [managerAddr], JoinToken: token })));
      },
    },
    {
      name: 'plain CLI',
      what: '`docker -H ssh://` as typed, one step after another, a new SSH connection per command',
      run: async () => {
        await plain[0]('swarm', 'init', '--advertise-addr', manager.address);
        const token = (await plain[0]('swarm', 'join-token', '-q', 'worker')).stdout.trim();
        for (const [i, docker] of plain.slice(1).entries()) await docker('swarm', 'join', '--token', token, '--advertise-addr', hosts[i + 1].address, managerAddr);
      },
    },
    {
      name: 'best CLI',
      what: '`docker -H ssh://` through an OpenSSH ControlMaster already open per host; both joins at once',
      run: async () => {
        await best[0]('swarm', 'init', '--advertise-addr', manager.address);
        const token = (await best[0]('swarm', 'join-token', '-q', 'worker')).stdout.trim();
        await Promise.all(best.slice(1).map((docker, i) => docker('swarm', 'join', '--token', token, '--advertise-addr', hosts[i + 1].address, managerAddr)));
      },
    },
  ];
  const times = new Map(sides.map((s) => [s.name, [] as number[]]));
  try {
    await warmThenRuns(ROUNDS, async (round) => {
      for (const side of sides) {
        const { ms } = await timed(side.run);
        if (round >= 0) times.get(side.name)!.push(ms);
        await leaveSwarmEverywhere(hosts);
      }
    });
  } finally {
    engine.dispose();
    for (const c of [...plain, ...best]) await c.close();
    await leaveSwarmEverywhere(hosts);
  }
  const med = (name: string) => median(times.get(name)!);
  console.log(`Each side: 1 warm-up, then ${ROUNDS} rounds (interleaved, every side from no swarm); medians.`);
  for (const s of sides) console.log(`  ${s.name}: ${s.what}`);
  console.log(table(sides.map((s) => ({ way: s.name, 'median ms': round(med(s.name)), runs: times.get(s.name)!.map((x) => round(x)).join(' / ') }))));
  const app = med('Archipelago');
  console.log(JSON.stringify({ bench: 'swarm', app_ms: round(app), floor_ms: round(med('floor')), vs_floor: round(app / med('floor'), 2), vs_best_cli: round(med('best CLI') / app, 2), vs_cli: round(med('plain CLI') / app, 2), best_cli_ms: round(med('best CLI')), cli_ms: round(med('plain CLI')), rounds: ROUNDS }));
}
