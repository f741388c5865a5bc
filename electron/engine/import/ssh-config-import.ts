// Hosts from ~/.ssh/config: each concrete Host alias (in the file and every file it includes),
// resolved by OpenSSH itself (`ssh -G`) when a client is installed, else by the built-in reader.
// The dialog is told which one read the config, and what of it could not be carried over.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import type { ImportCandidate, ImportSource } from '../../shared/model';
import { hostAddInput } from '../../shared/schemas';
import { BuiltinResolver, userConfigPaths } from './ssh-config-fallback';
import { hostAliases, runsCommands, type ConfigPaths } from './ssh-config-lines';
import type { ResolvedSshConfig, SshConfigResolver } from './ssh-config-resolved';
import { expandIdentityPath, unexpandedToken } from './ssh-identity';
import { OpenSshResolver } from './ssh-g-resolver';

export interface SshConfigImportOptions {
  /** `builtin` never runs ssh (tests of the fallback); `auto` uses OpenSSH when it can. */
  resolver?: 'auto' | 'builtin';
  /** The ssh client to run (default `ssh` on PATH). */
  ssh?: string;
  paths?: ConfigPaths;
  localUser?: string;
}

export function defaultAuth(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): Record<string, unknown> {
  if (env.SSH_AUTH_SOCK) return { kind: 'agent' };
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    if (existsSync(path.join(home, '.ssh', name))) return { kind: 'key', keyPath: `~/.ssh/${name}` };
  }
  return { kind: 'key', keyPath: '~/.ssh/id_ed25519' };
}

/** Picks OpenSSH unless it is missing or the config would make `ssh -G` run a command. */
export async function pickResolver(file: string, builtin: BuiltinResolver, opts: SshConfigImportOptions): Promise<SshConfigResolver & { why?: string }> {
  if (opts.resolver === 'builtin') return builtin;
  const exec = runsCommands(await builtin.read());
  if (exec) return Object.assign(builtin, { why: `${exec.file} line ${exec.line} has Match exec, which ssh -G would run` });
  const version = await OpenSshResolver.version(opts.ssh);
  if (!version) return Object.assign(builtin, { why: 'no OpenSSH client (ssh) is installed here' });
  return new OpenSshResolver(file, opts.ssh, version);
}

interface Jump {
  address: string;
  port: number;
  user?: string;
  auth?: Record<string, unknown>;
}

/** `[user@]host[:port]` (or ssh://…), the host possibly another alias resolved through the config. */
async function resolveJump(spec: string, resolver: SshConfigResolver, hostKeys: string[], ctx: { home: string; localUser: string }): Promise<Jump | string> {
  const hops = spec.split(',');
  if (hops.length > 1) return `ProxyJump with ${hops.length} hops (${spec}) cannot be carried over: more than one hop is not supported (only one hop)`;
  const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec.trim());
  if (!m) return `ProxyJump "${spec}" is not understood`;
  const alias = m[2].replace(/^\[|\]$/g, '');
  const r = await resolver.resolve(alias);
  const jump: Jump = { address: r.hostname, port: Number(m[3] ?? r.port), user: m[1] ?? r.user };
  // The jump host gets its own keys when the config names other ones for it.
  const keys = r.identityFilesSet ? r.identityFiles.map((f) => expandIdentityPath(f, { ...ctx, hostname: r.hostname, alias, user: jump.user!, port: jump.port })) : [];
  if (keys.length && keys.join('\n') !== hostKeys.join('\n')) jump.auth = { kind: 'key', keyPath: keys[0], ...(keys.length > 1 ? { moreKeyPaths: keys.slice(1) } : {}) };
  return jump;
}

export async function candidateFromResolved(
  alias: string,
  r: ResolvedSshConfig,
  resolver: SshConfigResolver,
  opts: { env: NodeJS.ProcessEnv; home: string; localUser: string },
): Promise<{ candidate?: ImportCandidate; skipped?: string }> {
  const ctx = { home: opts.home, localUser: opts.localUser, hostname: r.hostname, alias, user: r.user, port: r.port };
  const keys = r.identityFilesSet ? r.identityFiles.map((f) => expandIdentityPath(f, ctx)) : [];
  const input: Record<string, unknown> = {
    name: alias,
    address: r.hostname,
    port: r.port,
    user: r.user,
    auth: keys.length ? { kind: 'key', keyPath: keys[0], ...(keys.length > 1 ? { moreKeyPaths: keys.slice(1) } : {}) } : defaultAuth(opts.env, opts.home),
  };
  const notes: string[] = [];
  const token = r.identityFiles.map(unexpandedToken).find(Boolean);
  if (r.identityFilesSet && token) notes.push(`the IdentityFile token ${token} is not expanded`);
  if (r.proxyJump) {
    const jump = await resolveJump(r.proxyJump, resolver, keys, opts);
    if (typeof jump === 'string') return { skipped: `${alias}: ${jump}` };
    input.proxyJump = jump;
  }
  if (r.proxyCommand) notes.push(`ProxyCommand (${r.proxyCommand}) is not carried over: Archipelago connects directly`);
  if (r.certificateFiles.length) notes.push(`CertificateFile ${r.certificateFiles.join(', ')} is not carried over: the key is offered without its certificate`);
  const valid = hostAddInput.safeParse(input);
  if (!valid.success) return { skipped: `${alias}: ${valid.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` };
  return { candidate: { source: 'ssh-config', label: alias, add: { kind: 'ssh', input }, note: notes.length ? notes.join('; ') : undefined, resolved: r } };
}

export async function sshConfigCandidates(file: string, env: NodeJS.ProcessEnv = process.env, opts: SshConfigImportOptions = {}): Promise<ImportSource> {
  const paths = opts.paths ?? userConfigPaths();
  const localUser = opts.localUser ?? os.userInfo().username;
  const builtin = new BuiltinResolver(file, paths, localUser);
  let aliases: string[];
  try {
    aliases = hostAliases(await builtin.read());
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path: file, found: false, candidates: [], skipped: [], error: undefined };
    return { path: file, found: true, candidates: [], skipped: [], error: code ? (err as Error).message : `cannot parse: ${(err as Error).message}` };
  }
  const resolver = await pickResolver(file, builtin, opts);
  const out: ImportSource = { path: file, found: true, candidates: [], skipped: [], resolver: { name: resolver.name, description: resolver.description, why: resolver.why } };
  const limit = pLimit(4);
  const results = await Promise.all(
    aliases.map((alias) =>
      limit(async () => {
        try {
          return await candidateFromResolved(alias, await resolver.resolve(alias), resolver, { env, home: paths.home, localUser });
        } catch (err) {
          return { skipped: `${alias}: ${(err as Error).message}` };
        }
      }),
    ),
  );
  for (const { candidate, skipped } of results) {
    if (candidate) out.candidates.push(candidate);
    if (skipped) out.skipped.push(skipped);
  }
  return out;
}
