// A child process for the kill test: loads the inventory in a folder and keeps adding hosts
// (each add rewrites hosts.json atomically) until it is killed.
import { randomUUID } from 'node:crypto';
import { HostInventory } from '../../electron/engine/hosts/inventory';

const dir = process.argv[2];
const inv = new HostInventory(dir);
const problem = await inv.load();
if (problem) {
  console.error(problem.message);
  process.exit(3);
}
process.stdout.write('ready\n');
for (let i = inv.list().length; ; i++) {
  await inv.add({ id: randomUUID(), kind: 'ssh', name: `h${i}`, address: '10.1.1.1', port: 22, user: 'root', auth: { kind: 'key', keyPath: '/k', hasPassphrase: false }, dockerSocket: '/var/run/docker.sock' });
}
