// The docker CLI command equal to what the app did on a host, to show and copy, safe to paste:
// every argument quoted for a POSIX shell (`text`), and again for PowerShell (`powershell`).
// A host behind a jump host is reached with `ssh -J`, the docker command running there.
// An argument may be the output of another command (a join token fetched from the manager):
// that command runs where the user pastes, never on the remote host.
import type { CliCommand } from '../../shared/model';
import { DEFAULT_DOCKER_SOCKET } from '../../shared/schemas';
import { jumpEndpoint, type HostRecord } from '../hosts/host-record';
import { quotePosix, quotePowerShell } from './shell-quote';

export interface DockerInvocation {
  host: HostRecord;
  args: CliArg[];
}
/** A literal argument, or the output of another docker command (run locally, then passed on). */
export type CliArg = string | { output: DockerInvocation };

const bracket = (address: string) => (address.includes(':') ? `[${address}]` : address);

/** `-H` for the host as the docker CLI would reach it directly. */
export function dockerHostFlag(host: HostRecord): string {
  if (host.kind === 'local') return `unix://${host.socketPath}`;
  return `ssh://${host.user}@${bracket(host.address)}${host.port === 22 ? '' : `:${host.port}`}`;
}

type Shell = 'posix' | 'powershell';
const quote = (shell: Shell, s: string) => (shell === 'posix' ? quotePosix(s) : quotePowerShell(s));
const substitution = (shell: Shell, inner: string) => (shell === 'posix' ? `"$(${inner})"` : `$(${inner})`);

function render(inv: DockerInvocation, shell: Shell): string {
  const { host, args } = inv;
  const jump = host.kind === 'ssh' ? jumpEndpoint(host) : undefined;
  if (host.kind === 'ssh' && jump) return throughJump(inv, shell);
  return ['docker', '-H', dockerHostFlag(host)].map((a) => quote(shell, a)).concat(args.map((a) => (typeof a === 'string' ? quote(shell, a) : substitution(shell, render(a.output, shell))))).join(' ');
}

/**
 * `ssh -J jump user@host -- 'docker …'`: ssh hands the remote shell one string, so the docker
 * command is quoted for that shell (POSIX) and the whole string quoted again for the local one.
 * A substitution is spliced in outside the quotes, so it runs locally.
 */
function throughJump(inv: DockerInvocation, shell: Shell): string {
  const host = inv.host as Extract<HostRecord, { kind: 'ssh' }>;
  const jump = jumpEndpoint(host)!;
  const jumpSpec = `${jump.user}@${bracket(jump.address)}${jump.port === 22 ? '' : `:${jump.port}`}`;
  const docker = host.dockerSocket === DEFAULT_DOCKER_SOCKET ? ['docker'] : ['docker', '-H', `unix://${host.dockerSocket}`];
  // The remote command as pieces: literal text for the remote shell, or a local substitution.
  const pieces: ({ text: string } | { local: string })[] = [];
  const words = [...docker, ...inv.args];
  words.forEach((w, i) => {
    const sep = i ? ' ' : '';
    if (typeof w === 'string') pieces.push({ text: sep + quotePosix(w) });
    else {
      if (sep) pieces.push({ text: sep });
      pieces.push({ local: render(w.output, shell) });
    }
  });
  // Adjacent literal pieces merge, so each becomes one quoted run.
  const merged: typeof pieces = [];
  for (const p of pieces) {
    const last = merged[merged.length - 1];
    if ('text' in p && last && 'text' in last) last.text += p.text;
    else merged.push({ ...p });
  }
  let remote: string;
  if (shell === 'posix') remote = merged.map((p) => ('text' in p ? quotePosix(p.text) : substitution('posix', p.local))).join('');
  else remote = merged.length === 1 && 'text' in merged[0] ? quotePowerShell(merged[0].text) : `(${merged.map((p) => ('text' in p ? quotePowerShell(p.text) : `$(${p.local})`)).join(' + ')})`;
  const target = `${host.user}@${bracket(host.address)}`;
  return ['ssh', '-J', jumpSpec, ...(host.port === 22 ? [] : ['-p', String(host.port)]), target, '--'].map((a) => quote(shell, a)).join(' ') + ` ${remote}`;
}

export function dockerCommand(host: HostRecord, args: CliArg[]): CliCommand {
  const inv = { host, args };
  return { host: host.name, text: render(inv, 'posix'), powershell: render(inv, 'powershell') };
}
