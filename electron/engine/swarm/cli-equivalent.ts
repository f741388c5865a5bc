// The docker CLI command equal to what the app did on a host, to show and copy. Arguments are
// quoted for a POSIX shell; a `raw` piece (a command substitution we wrote) is left as is.
import type { CliCommand } from '../../shared/model';
import type { HostRecord } from '../hosts/host-record';

export type CliArg = string | { raw: string };

const SAFE = /^[A-Za-z0-9_\/.:=@%+,-]+$/;

function quote(arg: CliArg): string {
  if (typeof arg !== 'string') return arg.raw;
  return SAFE.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `-H` for the host as the docker CLI would reach it. */
export function dockerHostFlag(host: HostRecord): string {
  if (host.kind === 'local') return `unix://${host.socketPath}`;
  return `ssh://${host.user}@${host.address}${host.port === 22 ? '' : `:${host.port}`}`;
}

export function dockerCommand(host: HostRecord, args: CliArg[]): CliCommand {
  return { host: host.name, text: ['docker', '-H', dockerHostFlag(host), ...args].map(quote).join(' ') };
}
