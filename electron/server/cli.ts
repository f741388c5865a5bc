// npm run serve: the whole app in a browser, the engine running under plain Node. The token never
// has to be a process argument: it comes from a file or ARCHIPELAGO_TOKEN (or is made here), and
// the browser is opened with a one-time login code instead. The token file goes when the server does.
import { existsSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDispatch } from '../shared/dispatch';
import { createEngine } from '../engine/engine';
import { EventBus } from '../engine/event-bus';
import { resolveConfigDir } from '../engine/store/config-dir';
import { writeFileAtomic } from '../engine/store/atomic-file';
import { startApiServer } from './api-server';
import { newToken } from './token';

const STATIC_DIR = path.resolve(import.meta.dirname, '../../out/renderer');

function usage(configDir: string): string {
  return `usage: npm run serve -- [options]
Serves Archipelago on http://127.0.0.1 for a browser, with a token that is new at every start.
  --port N           listen on port N (default: any free port)
  --token-file FILE  use the token in FILE instead of a random one (for scripts and tests);
                     or set ARCHIPELAGO_TOKEN. (--token T works too, but then the token is
                     visible to every user in the process list.)
  --config-dir DIR   keep the inventory and keys' trust here (default ${configDir})
  --no-open          do not open a browser
The token is printed with the URL and written to ${path.join(configDir, 'serve-token')}
(readable by you only, removed when the server stops). The browser is opened with a one-time
login link (one use, one minute), so the token is never on a command line.
API: POST /api/<method> with "Authorization: Bearer <token>".`;
}

function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => console.log('Open the URL above in your browser.'));
  child.unref();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      'config-dir': { type: 'string' },
      'no-open': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const configDir = resolveConfigDir(values['config-dir']);
  if (values.help) {
    console.log(usage(configDir));
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0 to 65535, got ${values.port}`);
  const given = values['token-file'] !== undefined ? (await readFile(values['token-file'], 'utf8')).trim() : (values.token ?? (process.env.ARCHIPELAGO_TOKEN || undefined));
  if (given !== undefined && given.length < 16) throw new Error('the token (--token-file, ARCHIPELAGO_TOKEN or --token) must be at least 16 characters');
  if (!existsSync(path.join(STATIC_DIR, 'index.html'))) throw new Error(`the UI is not built (${STATIC_DIR} is missing): run npm run build`);

  const token = given ?? newToken();
  const bus = new EventBus();
  const { version } = JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
  // Browser mode has no OS keychain: passwords stay in this process's memory (the UI says so).
  const engine = await createEngine({ configDir, emit: bus.emit, version });
  const dispatch = createDispatch(engine.handlers, (method, err) => console.error(`[api] ${method}: ${(err as Error).message}`));
  // A new subscriber starts from the whole model; deltas follow (see cluster-delta.ts).
  const subscribe = (listener: Parameters<EventBus['subscribe']>[0]) => {
    const model = engine.cluster.current();
    if (model) listener({ name: 'cluster:changed', payload: { seq: model.seq, model } });
    return bus.subscribe(listener);
  };
  const server = await startApiServer({ dispatch, subscribe, token, port, staticDir: STATIC_DIR });
  const tokenFile = path.join(configDir, 'serve-token');
  await writeFileAtomic(tokenFile, `${token}\n`, 0o600);
  process.on('exit', () => rmSync(tokenFile, { force: true }));

  console.log(`Archipelago is serving on ${server.url}#token=${token}`);
  console.log(`token: ${token} (also in ${tokenFile})`);
  const login = `${server.url}#code=${server.loginCode()}`;
  console.log(`login link (one use, within a minute): ${login}`);
  if (!values['no-open'] && !process.env.CI) openBrowser(login);

  const stop = async () => {
    engine.dispose();
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(`serve: ${(err as Error).message}`);
  process.exit(1);
});
