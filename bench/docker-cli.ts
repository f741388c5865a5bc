// The docker CLI as the benchmarks' baselines run it, in two forms:
// - plain: `docker -H ssh://…`, which starts a new SSH connection for every command;
// - best: the same through an OpenSSH ControlMaster connection that is already open
//   (ControlMaster auto, ControlPersist), as a person who runs these commands for a living
//   sets it up, and, for work that can run in parallel, `xargs -P` over the commands.
// Each uses its own ssh_config with the lab key, through an `ssh` wrapper first on PATH (the
// docker CLI runs `ssh`), so the machine's ~/.ssh stays untouched.
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LabHostEnv } from '../test/lab/lab';
import { timed } from './stats';

const execFileAsync = promisify(execFile);

export interface DockerCli {
  (...args: string[]): Promise<{ stdout: string }>;
  /** The -H value, e.g. ssh://root@10.0.0.1 */
  url: string;
  env: NodeJS.ProcessEnv;
  /** Through an already open ControlMaster connection? */
  master: boolean;
  /** Ends the master connection (if any) and removes the config folder. */
  close(): Promise<void>;
}

export interface Endpoint {
  address: string;
  port: number;
}

/**
 * A docker CLI for one host. With `master`, the ControlMaster connection is opened here,
 * before any timing, and checked with `ssh -O check`.
 */
export async function dockerCli(h: LabHostEnv, opts: { master?: boolean; endpoint?: Endpoint } = {}): Promise<DockerCli> {
  const endpoint = opts.endpoint ?? { address: h.address, port: h.port };
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-cli-'));
  const config = path.join(dir, 'ssh_config');
  const lines = ['Host *', `  IdentityFile ${h.keyPath}`, '  StrictHostKeyChecking no', '  UserKnownHostsFile /dev/null', '  LogLevel ERROR'];
  if (opts.master) lines.push('  ControlMaster auto', `  ControlPath ${dir}/cm-%C`, '  ControlPersist 300');
  await writeFile(config, `${lines.join('\n')}\n`);
  await writeFile(path.join(dir, 'ssh'), `#!/bin/sh\nexec /usr/bin/ssh -F ${config} "$@"\n`);
  await chmod(path.join(dir, 'ssh'), 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
  delete env.DOCKER_HOST;
  delete env.DOCKER_CONTEXT;
  const target = [`${h.user}@${endpoint.address}`, '-p', String(endpoint.port)];
  const ssh = (...args: string[]) => execFileAsync('/usr/bin/ssh', ['-F', config, ...args], { timeout: 60_000 });
  if (opts.master) {
    // The first connection becomes the master and stays (ControlPersist) after `true` exits.
    await ssh(...target, 'true');
    await ssh('-O', 'check', ...target);
  }
  const url = `ssh://${h.user}@${endpoint.address}${endpoint.port === 22 ? '' : `:${endpoint.port}`}`;
  const run = (...args: string[]) => execFileAsync('docker', ['-H', url, ...args], { env, timeout: 120_000 });
  return Object.assign(run, {
    url,
    env,
    master: Boolean(opts.master),
    async close() {
      if (opts.master) await ssh('-O', 'exit', ...target).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  });
}

/**
 * Runs docker commands with `xargs -P parallel` (one command per line, each its own `docker`
 * process), as a person parallelises a batch in a shell. Counts the commands that failed.
 */
export async function xargsDocker(cli: DockerCli, commands: string[][], parallel: number): Promise<{ ms: number; failed: number; ok: number }> {
  for (const c of commands) if (c.some((a) => /[\s'"\\]/.test(a))) throw new Error(`xargsDocker: an argument needs quoting: ${c.join(' ')}`);
  const { ms, value } = await timed(
    () =>
      new Promise<string>((resolve, reject) => {
        // $0 is the -H value; each input line's words are the command's arguments.
        const child = spawn('xargs', ['-P', String(parallel), '-L', '1', 'sh', '-c', 'docker -H "$0" "$@" >/dev/null 2>&1 && echo ok || echo failed', cli.url], { env: cli.env, stdio: ['pipe', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('error', reject);
        child.on('close', () => resolve(out));
        child.stdin.end(`${commands.map((c) => c.join(' ')).join('\n')}\n`);
      }),
  );
  const results = value.split('\n').filter(Boolean);
  const ok = results.filter((r) => r === 'ok').length;
  return { ms, ok, failed: commands.length - ok };
}
