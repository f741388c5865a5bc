// Hosts from ~/.ssh/config: each concrete Host alias, resolved the way ssh resolves it
// (HostName, User, Port, IdentityFile, ProxyJump with one hop).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import SSHConfig from 'ssh-config';
import type { ImportCandidate, ImportSource } from '../../shared/model';
import { hostAddInput } from '../../shared/schemas';

type Computed = Record<string, string | string[]>;

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

function hostAliases(config: SSHConfig): string[] {
  const aliases: string[] = [];
  for (const line of config) {
    if (!('param' in line) || line.param.toLowerCase() !== 'host') continue;
    const values = Array.isArray(line.value) ? line.value.map((v) => v.val) : line.value.split(/\s+/);
    for (const v of values) if (v && !/[*?!]/.test(v)) aliases.push(v);
  }
  return [...new Set(aliases)];
}

/** %d, %u, %h, %r and ~ in IdentityFile, as ssh expands them. */
function expandTokens(p: string, host: string, user: string): string {
  return p.replace(/%([duhr%])/g, (_, t: string) => ({ d: os.homedir(), u: os.userInfo().username, h: host, r: user, '%': '%' })[t] ?? '');
}

export function defaultAuth(env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  if (env.SSH_AUTH_SOCK) return { kind: 'agent' };
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    if (existsSync(path.join(os.homedir(), '.ssh', name))) return { kind: 'key', keyPath: `~/.ssh/${name}` };
  }
  return { kind: 'key', keyPath: '~/.ssh/id_ed25519' };
}

/** `[user@]host[:port]` or `ssh://[user@]host[:port]`, with host possibly another alias. */
function resolveJump(spec: string, config: SSHConfig): { address: string; port: number; user?: string } | string {
  if (spec.includes(',')) return 'ProxyJump with more than one hop is not supported (only one hop)';
  const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec.trim());
  if (!m) return `ProxyJump "${spec}" is not understood`;
  const alias = m[2].replace(/^\[|\]$/g, '');
  const c = config.compute(alias) as Computed;
  return { address: first(c.HostName) ?? alias, port: Number(m[3] ?? first(c.Port) ?? 22), user: m[1] ?? first(c.User) };
}

export function candidateFromSsh(alias: string, config: SSHConfig, env: NodeJS.ProcessEnv = process.env): { candidate?: ImportCandidate; skipped?: string } {
  const c = config.compute(alias) as Computed;
  const address = first(c.HostName) ?? alias;
  const user = first(c.User) ?? os.userInfo().username;
  const identity = first(c.IdentityFile);
  const input: Record<string, unknown> = {
    name: alias,
    address: expandTokens(address, alias, user),
    port: Number(first(c.Port) ?? 22),
    user,
    auth: identity ? { kind: 'key', keyPath: expandTokens(identity, address, user) } : defaultAuth(env),
  };
  let note: string | undefined;
  const jump = first(c.ProxyJump);
  if (jump && jump.toLowerCase() !== 'none') {
    const hop = resolveJump(jump, config);
    if (typeof hop === 'string') return { skipped: `${alias}: ${hop}` };
    input.proxyJump = hop;
  }
  if (first(c.ProxyCommand)) note = 'ProxyCommand is not supported; the host is reached directly';
  const valid = hostAddInput.safeParse(input);
  if (!valid.success) return { skipped: `${alias}: ${valid.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` };
  return { candidate: { source: 'ssh-config', label: alias, add: { kind: 'ssh', input }, note } };
}

export async function sshConfigCandidates(file: string, env: NodeJS.ProcessEnv = process.env): Promise<ImportSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return { path: file, found: false, candidates: [], skipped: [], error: missing ? undefined : (err as Error).message };
  }
  try {
    const config = SSHConfig.parse(text);
    const out: ImportSource = { path: file, found: true, candidates: [], skipped: [] };
    for (const alias of hostAliases(config)) {
      const { candidate, skipped } = candidateFromSsh(alias, config, env);
      if (candidate) out.candidates.push(candidate);
      if (skipped) out.skipped.push(skipped);
    }
    return out;
  } catch (err) {
    return { path: file, found: true, candidates: [], skipped: [], error: `cannot parse: ${(err as Error).message}` };
  }
}
