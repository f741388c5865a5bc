// npm run bench -- <name>: benchmarks that print ratios against baselines measured in the same run.
import { benchChecks } from './checks';
import { benchLoad } from './load';
import { benchMap } from './map';
import { benchScale } from './scale';
import { benchStacks } from './stacks';
import { benchSwarm } from './swarm';
import { benchTransport } from './transport';

const BENCHES: Record<string, () => Promise<void>> = { transport: benchTransport, swarm: benchSwarm, map: benchMap, checks: benchChecks, load: benchLoad, scale: benchScale, stacks: benchStacks };

const name = process.argv[2];
const run = name ? BENCHES[name] : undefined;
if (!run) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}>`);
  process.exit(2);
}
run().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
