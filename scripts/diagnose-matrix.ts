// Diagnosis for an open finding (see the session-2 note): `npm run bench -- load` gets
// "unreachable" for most matrix pairs on 8 hosts. Builds 10 services × 10 tasks on one overlay
// over 8 hosts (optionally 30 more services elsewhere: EXTRA=1), runs the full matrix and
// prints every failing pair's raw outcome in the order the checks ran.
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
const nets = process.env.EXTRA ? 4 : 1;
for (let n = 0; n < nets; n++) await call('networks:create', { name: `n${n}`, subnet: `10.${100 + n}.0.0/22` });
const wait = async (n: number) => { for (;;) { const m = await call<ClusterModel>('cluster:snapshot', {}); if (m.tasks.filter((t) => t.state === 'running').length >= n) return; await new Promise((r) => setTimeout(r, 1000)); } };
const services = nets * 10;
for (let s = 0; s < services; s++) await call('services:create', { name: `a${s}`, image: 'lab/web', replicas: 10, networks: [`n${s % nets}`], endpointMode: 'dnsrr' });
await wait(services * 10);
await new Promise((r) => setTimeout(r, 3000));
const t0 = Date.now();
const m = await call<{ results: CheckResult[] }>('checks:matrix', { network: 'n0', port: 80 });
console.log('matrix', Date.now() - t0, 'ms');
for (const r of m.results) {
  const bad = r.pairs.filter((p) => !p.reachable);
  console.log(r.startedAt.slice(11, 19), `${r.from}->${r.to}`, r.verdict.code, `${bad.length}/${r.pairs.length}`, r.durationMs, 'ms', r.sources.filter((s) => s.error).map((s) => s.error).slice(0, 1).join(''));
  for (const p of bad.slice(0, 2)) console.log('   ', p.sourceTask, p.sourceNode, '->', p.targetNode, p.targetIp, JSON.stringify(p.tcp), JSON.stringify(p.icmp));
}
engine.dispose();
process.exit(0);
