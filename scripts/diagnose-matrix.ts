// Diagnosis for an open finding (see the session-2 note): `npm run bench -- load` gets
// "unreachable" for most matrix pairs on 8 hosts. This separates scale from load: 20 tasks on
// one overlay, then 100, checked from a0 to a1 with the failing pairs printed.
// Run: npx tsx scripts/diagnose-matrix.ts (as root, takes the lab over; ~4 min).
import { down, up } from '../test/lab/lab';
import { labHosts } from '../test/support/lab';
import { benchEngine, formSwarm } from '../bench/bench-engine';
import type { CheckResult, ClusterModel } from '../electron/shared/model';

await down();
await up(8);
const hosts = (await labHosts()).slice(0, 8);
const { engine, call, ids } = await benchEngine('dbg', hosts);
await formSwarm(call, ids, hosts);
await call('networks:create', { name: 'n0', subnet: '10.100.0.0/22' });
const wait = async (n: number) => { for (;;) { const m = await call<ClusterModel>('cluster:snapshot', {}); if (m.tasks.filter((t) => t.state === 'running').length >= n) return; await new Promise((r) => setTimeout(r, 1000)); } };
const show = async (label: string) => {
  const r = await call<CheckResult>('checks:run', { from: 'a0', to: 'a1', port: 80 });
  const bad = r.pairs.filter((p) => !p.reachable);
  console.log(label, r.verdict.code, `${bad.length}/${r.pairs.length} bad`, r.durationMs, 'ms');
  for (const p of bad.slice(0, 4)) console.log('  ', p.sourceNode, '->', p.targetNode, p.targetIp, JSON.stringify(p.tcp), JSON.stringify(p.icmp));
};
for (const s of ['a0', 'a1']) await call('services:create', { name: s, image: 'lab/web', replicas: 10, networks: ['n0'], endpointMode: 'dnsrr' });
await wait(20);
await new Promise((r) => setTimeout(r, 3000));
await show('20 tasks:');
for (let s = 2; s < 10; s++) await call('services:create', { name: `a${s}`, image: 'lab/web', replicas: 10, networks: ['n0'], endpointMode: 'dnsrr' });
await wait(100);
await new Promise((r) => setTimeout(r, 3000));
await show('100 tasks on n0:');
await new Promise((r) => setTimeout(r, 15000));
await show('100 tasks on n0, 15 s later:');
engine.dispose();
process.exit(0);
