// The hollow hosts as a process of their own (so their work is not counted as the engine's):
// node --import tsx bench/hollow/hollow-cli.ts --dir D --hosts N --tasks T --services S --networks K
// Prints one JSON line {"ready":…} with the sockets, then reads commands on stdin, one JSON per
// line: {"rate":R,"seconds":S} makes changes (each reported as a {"change":…} line, then
// {"done":N}); {"requests":true} prints the Engine API requests answered since the last such
// command, by kind ({"requests":{"GET /tasks":N,…}}); {"exit":true} ends it.
import type { Server } from 'node:http';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { serveHost } from './engine-server';
import { runChanges } from './generator';
import { World } from './world';

const { values } = parseArgs({ options: { dir: { type: 'string' }, hosts: { type: 'string' }, tasks: { type: 'string' }, services: { type: 'string' }, networks: { type: 'string' } } });
const size = { hosts: Number(values.hosts ?? 20), tasks: Number(values.tasks ?? 2000), services: Number(values.services ?? 40), networks: Number(values.networks ?? 10) };
const dir = values.dir ?? '/tmp';
const world = new World(size);
const sockets: string[] = [];
let requests = new Map<string, number>();
const count = (kind: string) => requests.set(kind, (requests.get(kind) ?? 0) + 1);
const servers: Server[] = [];
for (const h of world.hosts) {
  const socket = path.join(dir, `${h.name}.sock`);
  servers.push(await serveHost(world, h, socket, count));
  sockets.push(socket);
}
const out = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);
out({ ready: true, sockets, names: world.hosts.map((h) => h.name), swarmId: world.swarmId, tasks: world.tasks.size });

createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line) as { rate?: number; seconds?: number; requests?: boolean; exit?: boolean };
  if (cmd.requests) {
    out({ requests: Object.fromEntries(requests) });
    requests = new Map();
  }
  if (cmd.exit) {
    for (const s of servers) s.close();
    process.exit(0);
  }
  if (cmd.rate && cmd.seconds) void runChanges(world, cmd.rate, cmd.seconds, (c) => out({ change: c })).then((n) => out({ done: n }));
});
process.stdin.on('end', () => process.exit(0));
