// Resolves an alias the way OpenSSH's readconf.c does, for when no `ssh` is installed:
// keywords in any case; the first value of a keyword wins (IdentityFile and CertificateFile
// accumulate); `Host` patterns match the alias as typed, case-sensitively (readconf.c uses
// match_pattern); `Match host` the HostName found so far and `Match originalhost` the alias,
// case-insensitively (match_hostname); `Match user` exactly; the resolved host name is
// lower-cased, as ssh does; ProxyJump printed as ssh -G prints it (user@[numeric]:port);
// Include followed where it stands, its file starting
// in the enclosing block's state; `Match final` blocks applied in a second pass with the host
// name as resolved. `Match exec` is never evaluated (it would run a command): it never matches.
// Checked field by field against `ssh -G` (test/unit/ssh-config-corpus.test.ts).
import os from 'node:os';
import path from 'node:path';
import { matchPatternList } from './config-glob';
import { readConfigLines, type ConfigPaths, type Directive } from './ssh-config-lines';
import { DEFAULT_IDENTITY_FILES, type ResolvedSshConfig, type SshConfigResolver } from './ssh-config-resolved';

interface State {
  host: string;
  original: string;
  localUser: string;
  finalPass: boolean;
  wantFinal: boolean;
  hostname?: string;
  user?: string;
  port?: string;
  proxyJump?: string;
  proxyCommand?: string;
  identityFiles: string[];
  certificateFiles: string[];
}

export class ConfigError extends Error {}

/** The user's config: `~` is the home directory, relative Include paths are under ~/.ssh. */
export function userConfigPaths(home = os.homedir()): ConfigPaths {
  return { home, relativeTo: path.join(home, '.ssh') };
}

const where = (d: Directive) => `${d.file} line ${d.line}`;

/** `Match` criteria, evaluated as OpenSSH 9.2 does; unknown ones are errors, as there. */
function matchLine(d: Directive, s: State): boolean {
  const args = [...d.args];
  if (args.length === 1 && args[0].toLowerCase() === 'all') return true;
  let result = true;
  while (args.length) {
    let criterion = args.shift()!.toLowerCase();
    const negate = criterion.startsWith('!');
    if (negate) criterion = criterion.slice(1);
    let hit: boolean;
    if (criterion === 'all') hit = true;
    else if (criterion === 'canonical' || criterion === 'final') {
      s.wantFinal ||= criterion === 'final';
      hit = s.finalPass;
    } else {
      const value = args.shift();
      if (value === undefined) throw new ConfigError(`${where(d)}: Match ${criterion} needs an argument`);
      const list = value.split(',');
      switch (criterion) {
        case 'host':
          hit = matchPatternList(list, s.hostname !== undefined ? expandHostname(s.hostname, s.original) : s.host, true);
          break;
        case 'originalhost':
          hit = matchPatternList(list, s.original, true);
          break;
        case 'user':
          hit = matchPatternList(list, s.user ?? s.localUser, false);
          break;
        case 'localuser':
          hit = matchPatternList(list, s.localUser, false);
          break;
        case 'exec':
          hit = false; // never run: see the file's header
          break;
        default:
          throw new ConfigError(`${where(d)}: unsupported Match attribute ${criterion}`);
      }
    }
    if (hit === negate) result = false;
  }
  return result;
}

function expandHostname(value: string, original: string): string {
  return value.replace(/%([%h])/g, (_, t: string) => (t === '%' ? '%' : original)).toLowerCase();
}

function apply(d: Directive, s: State): void {
  const [arg] = d.args;
  if (arg === undefined) throw new ConfigError(`${where(d)}: ${d.keyword} needs an argument`);
  switch (d.keyword) {
    case 'hostname':
      s.hostname ??= arg;
      break;
    case 'user':
      s.user ??= arg;
      break;
    case 'port':
      if (!/^\d+$/.test(arg) || Number(arg) < 1 || Number(arg) > 65535) throw new ConfigError(`${where(d)}: Bad port '${arg}'`);
      s.port ??= arg;
      break;
    case 'identityfile':
      if (!s.identityFiles.includes(arg)) s.identityFiles.push(arg);
      break;
    case 'certificatefile':
      if (!s.certificateFiles.includes(arg)) s.certificateFiles.push(arg);
      break;
    case 'proxyjump':
      // ProxyJump and ProxyCommand exclude each other; whichever comes first wins ("none" too).
      if (s.proxyJump === undefined && s.proxyCommand === undefined) s.proxyJump = arg;
      break;
    case 'proxycommand':
      if (s.proxyCommand === undefined && (s.proxyJump === undefined || s.proxyJump.toLowerCase() === 'none')) s.proxyCommand = arg;
      break;
  }
}

function pass(lines: Directive[], s: State): void {
  let active = true;
  let neverMatch = false;
  const stack: { active: boolean; neverMatch: boolean }[] = [];
  for (const d of lines) {
    if (d.kind === 'include-start') {
      stack.push({ active, neverMatch });
      // A file included from an inactive block can never become active (SSHCONF_NEVERMATCH).
      neverMatch ||= !active;
      continue;
    }
    if (d.kind === 'include-end') {
      ({ active, neverMatch } = stack.pop()!);
      continue;
    }
    if (d.keyword === 'host') active = !neverMatch && matchPatternList(d.args, s.host, false);
    else if (d.keyword === 'match') active = matchLine(d, s) && !neverMatch;
    else if (active) apply(d, s);
  }
}

/**
 * ProxyJump as ssh stores and prints it (readconf.c parse_jump, dump_client_config): the last hop
 * parsed into user, host and port, earlier hops kept as written, a numeric host in brackets.
 */
export function normaliseJump(spec: string): string {
  const comma = spec.lastIndexOf(',');
  const extra = comma > 0 ? spec.slice(0, comma) : undefined;
  const last = comma > 0 ? spec.slice(comma + 1) : spec;
  const m = /^(?:ssh:\/\/)?(?:(.*)@)?(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(last);
  if (!m) return spec;
  const [, user, rawHost, port] = m;
  const host = rawHost.replace(/^\[|\]$/g, '');
  if (!user && !port && extra === undefined) return host;
  const numeric = host.includes(':') || /^[\d.]+$/.test(host);
  return `${extra !== undefined ? `${extra},` : ''}${user ? `${user}@` : ''}${numeric ? `[${host}]` : host}${port ? `:${port}` : ''}`;
}

export function resolveFromLines(lines: Directive[], alias: string, localUser: string): ResolvedSshConfig {
  const host = alias;
  const s: State = { host, original: host, localUser, finalPass: false, wantFinal: false, identityFiles: [], certificateFiles: [] };
  pass(lines, s);
  if (s.wantFinal) {
    // ssh reads the config again with the host name as resolved, Match final now true.
    s.finalPass = true;
    s.host = expandHostname(s.hostname ?? host, host);
    pass(lines, s);
  }
  const jump = s.proxyJump && s.proxyJump.toLowerCase() !== 'none' ? normaliseJump(s.proxyJump) : undefined;
  const command = s.proxyCommand && s.proxyCommand.toLowerCase() !== 'none' && !jump ? s.proxyCommand : undefined;
  return {
    hostname: expandHostname(s.hostname ?? host, host),
    user: s.user ?? localUser,
    port: Number(s.port ?? 22),
    identityFiles: s.identityFiles.length ? s.identityFiles : DEFAULT_IDENTITY_FILES,
    identityFilesSet: s.identityFiles.length > 0,
    proxyJump: jump,
    proxyCommand: command,
    certificateFiles: s.certificateFiles,
  };
}

/** The built-in resolver over one config file (and what it includes). */
export class BuiltinResolver implements SshConfigResolver {
  readonly name = 'builtin';
  readonly description = 'read by Archipelago’s own reader (no OpenSSH client found, or the config has Match exec, which ssh -G would run): keywords in any case, Include, Match host/originalhost/user/localuser/all/final; Match exec is never run and never matches';
  private lines: Promise<Directive[]> | undefined;

  constructor(
    private readonly file: string,
    private readonly paths: ConfigPaths = userConfigPaths(),
    private readonly localUser: string = os.userInfo().username,
    private readonly text?: string,
  ) {}

  /** A config given as text (read as if it were `file`). */
  static fromText(text: string, file = '~/.ssh/config', paths = userConfigPaths()): BuiltinResolver {
    return new BuiltinResolver(file, paths, undefined, text);
  }

  read(): Promise<Directive[]> {
    this.lines ??= readConfigLines(this.file, this.paths, this.text);
    return this.lines;
  }

  async resolve(alias: string): Promise<ResolvedSshConfig> {
    return resolveFromLines(await this.read(), alias, this.localUser);
  }
}
