// The docker CLI as the oracle for stacks: the corpus of compose files, `docker stack deploy`
// run by the lab's own 20.10 CLI on a manager, the stacks' specs read back with
// `docker service inspect` and `docker network inspect`, and a field-by-field comparison after
// ids, versions, timestamps, daemon-chosen subnets and VXLAN ids and the stack name are
// normalised away.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { LabHostEnv } from '../lab/lab';
import { sshRun } from './lab';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const CORPUS_DIR = path.resolve(import.meta.dirname, '../fixtures/compose');
export const DOCKER_CLI = '/usr/bin/docker';

export interface CorpusFile {
  name: string;
  dir: string;
  compose: string;
  /** Every other file of the folder, by relative path (what the compose file names). */
  files: Record<string, string>;
  /** The variables for interpolation (vars.env), as .env text. */
  vars?: string;
}

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    return statSync(full).isDirectory() ? walk(full, base) : [path.relative(base, full)];
  });
}

export function loadCorpus(): CorpusFile[] {
  return readdirSync(CORPUS_DIR)
    .filter((d) => statSync(path.join(CORPUS_DIR, d)).isDirectory())
    .sort()
    .map((name) => {
      const dir = path.join(CORPUS_DIR, name);
      const all = walk(dir);
      const files = Object.fromEntries(all.filter((f) => !['docker-stack.yml', 'vars.env'].includes(f)).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
      const vars = all.includes('vars.env') ? readFileSync(path.join(dir, 'vars.env'), 'utf8') : undefined;
      return { name, dir, compose: readFileSync(path.join(dir, 'docker-stack.yml'), 'utf8'), files, vars };
    });
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** `docker stack deploy -c` by the lab's CLI, on the manager, in the corpus folder, with the file's variables in its environment. */
export async function cliStackDeploy(manager: LabHostEnv, stack: string, file: CorpusFile, opts: { prune?: boolean } = {}): Promise<string> {
  const vars = (file.vars ?? '').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const env = vars.length ? `env ${vars.map(shq).join(' ')} ` : '';
  return sshRun(manager, [`cd ${shq(file.dir)} && ${env}${DOCKER_CLI} stack deploy ${opts.prune ? '--prune ' : ''}-c docker-stack.yml ${shq(stack)} 2>&1`]);
}

export interface StackSpecs {
  services: Record<string, Any>;
  networks: Record<string, Any>;
}

/** The stack's service and network specs as the CLI prints them, keyed by their name in the file. */
export async function inspectStack(manager: LabHostEnv, stack: string): Promise<{ raw: { services: Any[]; networks: Any[] }; ids: Map<string, string> }> {
  const label = shq(`label=com.docker.stack.namespace=${stack}`);
  const d = DOCKER_CLI;
  const script = [
    `s=$(${d} service ls -q --filter ${label}); if [ -n "$s" ]; then ${d} service inspect $s; else echo '[]'; fi`,
    `echo '@@'`,
    `n=$(${d} network ls -q --filter ${label}); if [ -n "$n" ]; then ${d} network inspect $n; else echo '[]'; fi`,
    `echo '@@'`,
    `${d} network ls --no-trunc --format '{{.ID}} {{.Name}}'; ${d} secret ls --format '{{.ID}} {{.Name}}'; ${d} config ls --format '{{.ID}} {{.Name}}'`,
  ].join('; ');
  const out = await sshRun(manager, [script]);
  const [services, networks, names] = out.split('@@');
  const ids = new Map(names.trim().split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
  return { raw: { services: JSON.parse(services), networks: JSON.parse(networks) }, ids };
}

/** Replaces the stack names by STACK wherever they appear (names, labels, volume sources). */
function descope(value: unknown, stacks: string[]): unknown {
  if (typeof value === 'string') {
    for (const s of stacks) {
      if (value === s) return 'STACK';
      if (value.startsWith(`${s}_`)) return `STACK_${value.slice(s.length + 1)}`;
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => descope(v, stacks));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, descope(v, stacks)]));
  return value;
}

/** Normalised specs: ids named, versions, timestamps, runtime state, subnets and VXLAN ids dropped, stack names replaced. */
export function normalise(read: Awaited<ReturnType<typeof inspectStack>>, stacks: string[]): StackSpecs {
  const services: Record<string, Any> = {};
  for (const s of read.raw.services) {
    const spec = structuredClone(s.Spec) as Any;
    for (const n of (spec.TaskTemplate?.Networks ?? []) as Any[]) n.Target = read.ids.get(n.Target) ?? `unknown network ${n.Target}`;
    const c = spec.TaskTemplate?.ContainerSpec ?? {};
    for (const r of (c.Secrets ?? []) as Any[]) delete r.SecretID;
    for (const r of (c.Configs ?? []) as Any[]) delete r.ConfigID;
    const key = descope(spec.Name, stacks) as string;
    services[key] = descope(spec, stacks) as Any;
  }
  const networks: Record<string, Any> = {};
  for (const n of read.raw.networks) {
    const { Id: _id, Created: _created, Containers: _c, Peers: _p, Services: _s, ...rest } = n as Any;
    const net = structuredClone(rest) as Any;
    if (net.Options) delete net.Options['com.docker.network.driver.overlay.vxlanid_list'];
    for (const cfg of (net.IPAM?.Config ?? []) as Any[]) {
      if (cfg.Subnet) cfg.Subnet = '<daemon-chosen>';
      if (cfg.Gateway) cfg.Gateway = '<daemon-chosen>';
    }
    networks[descope(net.Name, stacks) as string] = descope(net, stacks) as Any;
  }
  return { services, networks };
}

/** Every field that differs, one line each: `path: app=… cli=…`. */
export function specDiff(a: unknown, b: unknown, labels: [string, string] = ['app', 'cli'], prefix = ''): string[] {
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a) ? [...Array(Math.max(a.length, (b as unknown[]).length)).keys()].map(String) : [...new Set([...Object.keys(a), ...Object.keys(b as object)])].sort();
    return keys.flatMap((k) => specDiff((a as Any)[k], (b as Any)[k], labels, Array.isArray(a) ? `${prefix}[${k}]` : prefix ? `${prefix}.${k}` : k));
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  return [`${prefix || '(root)'}: ${labels[0]}=${show(a)} ${labels[1]}=${show(b)}`];
}
