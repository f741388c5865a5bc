// Starts the browser-mode server (what `npm run serve` runs after building) for a test.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Served {
  url: string;
  token: string;
  /** The URL a person opens: the token travels in the fragment. */
  pageUrl: string;
  /** The one-time login link the server opens a browser with (`#code=…`, one use, one minute). */
  loginUrl: string;
  /** The server's process id (to look at its command line). */
  pid: number;
  output: () => string;
  stop(): Promise<void>;
}

export function serve(configDir: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Served> {
  const token = randomBytes(18).toString('base64url');
  const child: ChildProcess = spawn(
    process.execPath,
    // The token travels in the environment, never in the process's arguments.
    ['--import', 'tsx', 'electron/server/cli.ts', '--port', '0', '--config-dir', configDir, '--no-open'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1', ARCHIPELAGO_TOKEN: token, ...extraEnv } },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    // 'close', not 'exit': it comes after stdout/stderr are drained, so the message carries them.
    child.once('close', (code, signal) => reject(new Error(`server exited ${code ?? signal}:\n${out || '(no output)'}`)));
    child.stdout!.on('data', () => {
      const m = /serving on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      const login = /login link [^:]*: (\S+)/.exec(out);
      if (!m || !login) return;
      clearTimeout(timer);
      resolve({ url: m[1], token, pageUrl: `${m[1]}#token=${token}`, loginUrl: login[1], pid: child.pid!, output: () => out, stop });
    });
  });
}

/** Calls the browser-mode API as a script would (for setting the stage of an e2e test). */
export async function apiCall<T = unknown>(served: Served, method: string, input: unknown): Promise<T> {
  const res = await fetch(new URL(`/api/${method}`, served.url), { method: 'POST', headers: { Authorization: `Bearer ${served.token}` }, body: JSON.stringify(input) });
  const body = (await res.json()) as { ok: boolean; result?: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.result as T;
}
