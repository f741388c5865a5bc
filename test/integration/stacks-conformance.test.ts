// Stacks, with the docker CLI as the oracle. Every compose file of the corpus is deployed three
// times on the lab swarm: through the app (a<N>), as the app's own export of that stack (r<N>,
// the round trip), and with `docker stack deploy -c` by the lab's 20.10 CLI (c<N>). The
// services' and networks' specs, as `docker service inspect` / `docker network inspect` print
// them, must match field by field once ids, versions, timestamps, daemon-chosen subnets and
// VXLAN ids and the stack names are normalised; any difference fails with one line per field.
// Files publish distinct ports, so each phase deploys several files side by side; the phases
// run one after another because the same file published twice would clash.
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabHostEnv } from '../lab/lab';
import { leaveSwarmEverywhere, sshRun } from '../support/lab';
import { engineOnLab, type TestEngine } from '../support/engine';
import { cliStackDeploy, inspectStack, loadCorpus, normalise, specDiff, type CorpusFile, type StackSpecs } from '../support/stack-oracle';

const corpus = loadCorpus();
const PARALLEL_FILES = 4;
let t: TestEngine;
let lab: LabHostEnv[];
const viaApp = new Map<string, StackSpecs>();
const viaExport = new Map<string, StackSpecs>();
const viaCli = new Map<string, StackSpecs>();
const warnings = new Map<string, string[]>();
const exported = new Map<string, string>();
/** A phase that failed for a file, with the error: reported by that file's tests, not the whole suite. */
const failures = new Map<string, string>();

const appName = (i: number) => `a${i}`;
const exportName = (i: number) => `r${i}`;
const cliName = (i: number) => `c${i}`;

async function inPhases(phase: string, each: (file: CorpusFile, i: number) => Promise<void>): Promise<void> {
  const limit = pLimit(PARALLEL_FILES);
  await Promise.all(
    corpus.map((f, i) =>
      limit(() =>
        each(f, i).catch((err: Error) => {
          failures.set(f.name, `${failures.get(f.name) ?? ''}${phase}: ${err.message}\n`);
        }),
      ),
    ),
  );
}

beforeAll(async () => {
  ({ t, lab } = await engineOnLab({ swarm: true }));
  // The external objects the corpus names.
  await t.call('networks:create', { name: 'stacks-corpus-net', attachable: true });
  await t.call('secrets:create', { name: 'stacks-corpus-external', data: 'made before the stack' });

  // Phase 1: the app deploys each file, its specs are read with the CLI, and it is exported.
  // Its services go (freeing the ports) but its networks, secrets and configs stay: the export
  // names them as external.
  await inPhases('app deploy', async (f, i) => {
    const res = await t.call('stacks:deploy', { name: appName(i), compose: f.compose, env: f.vars, files: f.files });
    warnings.set(f.name, res.warnings.map((w) => w.message));
    viaApp.set(f.name, normalise(await inspectStack(lab[0], appName(i)), [appName(i)]));
    exported.set(f.name, (await t.call('stacks:export', { name: appName(i) })).compose);
    await sshRun(lab[0], [`docker service rm $(docker service ls -q --filter label=com.docker.stack.namespace=${appName(i)})`]);
  });
  // Phase 2: the export, deployed again under a new name.
  await inPhases('export deploy', async (f, i) => {
    await t.call('stacks:deploy', { name: exportName(i), compose: exported.get(f.name)! });
    viaExport.set(f.name, normalise(await inspectStack(lab[0], exportName(i)), [exportName(i), appName(i)]));
    await t.call('stacks:remove', { name: exportName(i) });
    await t.call('stacks:remove', { name: appName(i) });
  });
  // Phase 3: the CLI deploys each file.
  await inPhases('cli deploy', async (f, i) => {
    await cliStackDeploy(lab[0], cliName(i), f);
    viaCli.set(f.name, normalise(await inspectStack(lab[0], cliName(i)), [cliName(i)]));
    await t.call('stacks:remove', { name: cliName(i) });
  });
}, 1_200_000);

afterAll(async () => {
  // Stacks go before the swarm does: a node that leaves while an overlay is being removed keeps a
  // stale copy of it, whose subnet then blocks new networks there (stacks:remove waits them out).
  if (t) for (const s of (await t.call('stacks:list', {}).catch(() => ({ stacks: [] }))).stacks) await t.call('stacks:remove', { name: s.name }).catch(() => {});
  await t?.stop();
  if (lab) await leaveSwarmEverywhere(lab);
});

function compare(name: string, a: StackSpecs | undefined, b: StackSpecs | undefined, labels: [string, string]): string[] {
  if (!a || !b) return [`not read: ${labels[0]}=${Boolean(a)} ${labels[1]}=${Boolean(b)}; ${failures.get(name) ?? ''}`];
  const lines: string[] = [];
  for (const kind of ['services', 'networks'] as const) {
    const names = [...new Set([...Object.keys(a[kind]), ...Object.keys(b[kind])])].sort();
    for (const n of names) lines.push(...specDiff(a[kind][n], b[kind][n], labels).map((l) => `${kind} ${n}: ${l}`));
  }
  return lines;
}

describe('stacks: the app deploys compose files exactly as docker stack deploy does', () => {
  it('has a corpus of at least 12 files, two of them real multi-service stacks', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(12);
    for (const real of ['01-voting-app', '02-wordpress-secrets']) {
      const specs = viaCli.get(real)!;
      expect(Object.keys(specs.services).length, real).toBeGreaterThanOrEqual(2);
      expect(Object.keys(specs.networks).length, real).toBeGreaterThanOrEqual(2);
      expect(JSON.stringify(specs.services), real).toContain('"Type":"volume"');
    }
  });

  it.each(corpus.map((f) => [f.name]))('%s: app and CLI specs match field by field', (name) => {
    const specs = viaApp.get(name);
    expect(Object.keys(specs?.services ?? {}).length, `${name}: the app deployed no service; ${failures.get(name) ?? ''}`).toBeGreaterThan(0);
    const diff = compare(name, specs, viaCli.get(name), ['app', 'cli']);
    expect(diff, `${name}: the app's stack differs from docker stack deploy's:\n${diff.join('\n')}`).toEqual([]);
  });

  it.each(corpus.map((f) => [f.name]))('%s: the exported file, deployed again, gives the same specs', (name) => {
    const diff = compare(name, viaApp.get(name), viaExport.get(name), ['original', 'from export']);
    expect(diff, `${name}: the export did not recreate the stack:\n${diff.join('\n')}\n--- export ---\n${exported.get(name)}`).toEqual([]);
  });

  it('names each key the stack deploy ignores, with its service', () => {
    const w = warnings.get('13-misc-and-ignored')!;
    for (const key of ['build', 'container_name', 'depends_on', 'links', 'expose', 'restart']) expect(w.some((m) => m.startsWith(`app: ${key} `)), `${key} in ${w.join(' | ')}`).toBe(true);
    expect(w.some((m) => m.startsWith('cache: restart '))).toBe(true);
  });
});
