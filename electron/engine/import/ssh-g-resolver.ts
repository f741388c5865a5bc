// Resolves an alias with OpenSSH itself: `ssh -G` prints the configuration ssh would use, with
// keyword case, first-match-wins, Match, Include, tokens and defaults all as ssh applies them.
// It is run without a shell, one alias per run, and never on a config with `Match exec` (which
// ssh -G would execute): see pickResolver.
import { execFile } from 'node:child_process';
import { ConfigError } from './ssh-config-fallback';
import { DEFAULT_IDENTITY_FILES, type ResolvedSshConfig, type SshConfigResolver } from './ssh-config-resolved';

function run(ssh: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(ssh, args, { timeout: 10_000, maxBuffer: 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err) reject(new ConfigError(stderr.trim().split('\n').slice(0, 3).join('; ') || err.message));
      else resolve(stdout);
    });
  });
}

/** Parses `ssh -G` output: one `keyword value` per line, keywords lower-case, repeated ones in order. */
export function parseSshG(output: string): ResolvedSshConfig {
  const values = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const m = /^(\S+) (.*)$/.exec(line);
    if (!m) continue;
    const list = values.get(m[1]) ?? [];
    list.push(m[2]);
    values.set(m[1], list);
  }
  const one = (k: string) => values.get(k)?.[0];
  const identityFiles = values.get('identityfile') ?? [];
  const sameAsDefault = identityFiles.length === DEFAULT_IDENTITY_FILES.length && identityFiles.every((f, i) => f === DEFAULT_IDENTITY_FILES[i]);
  return {
    hostname: one('hostname') ?? '',
    user: one('user') ?? '',
    port: Number(one('port') ?? 22),
    identityFiles,
    identityFilesSet: !sameAsDefault,
    proxyJump: one('proxyjump'),
    proxyCommand: one('proxycommand'),
    certificateFiles: values.get('certificatefile') ?? [],
  };
}

export class OpenSshResolver implements SshConfigResolver {
  readonly name = 'openssh';
  readonly description: string;

  /**
   * @param file The config to read; undefined: the user's own ~/.ssh/config plus the system's
   * /etc/ssh/ssh_config, exactly what `ssh` alone reads.
   */
  constructor(
    private readonly file: string | undefined,
    private readonly ssh = 'ssh',
    version = '',
  ) {
    this.description = `resolved by OpenSSH itself (ssh -G${file ? ` -F ${file}` : ''}${version ? `, ${version}` : ''})`;
  }

  async resolve(alias: string): Promise<ResolvedSshConfig> {
    return parseSshG(await run(this.ssh, ['-G', ...(this.file ? ['-F', this.file] : []), '--', alias]));
  }

  /** The client's version line, or undefined when no OpenSSH client runs here. */
  static async version(ssh = 'ssh'): Promise<string | undefined> {
    return new Promise((resolve) => {
      execFile(ssh, ['-V'], { timeout: 5_000 }, (err, stdout, stderr) => {
        const text = `${stdout}${stderr}`.trim();
        resolve(err || !/OpenSSH/i.test(text) ? undefined : text.split('\n')[0]);
      });
    });
  }
}
