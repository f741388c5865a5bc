// Browser mode as a user starts it: the token is never a process argument (it came by
// environment, or from a file), the browser opens a one-time login link whose code the page
// exchanges for a session, and the token file goes away with the server.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPages, watchPageErrors } from '../support/browser';
import { serve, type Served } from '../support/serve';
import { tempDir } from '../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
let served: Served;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  served = await serve(path.join(dir, 'config'));
});
afterAll(async () => {
  await served?.stop();
  await cleanup?.();
});

describe('browser mode login', () => {
  it('keeps the token out of the process arguments and in a 0600 file while it runs', async () => {
    const cmdline = (await readFile(`/proc/${served.pid}/cmdline`, 'utf8')).split('\0').join(' ');
    expect(cmdline).toContain('electron/server/cli.ts');
    expect(cmdline).not.toContain(served.token);
    const tokenFile = path.join(dir, 'config', 'serve-token');
    expect((await readFile(tokenFile, 'utf8')).trim()).toBe(served.token);
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    expect(served.loginUrl).toMatch(/#code=[A-Za-z0-9_-]+$/);
    expect(served.loginUrl).not.toContain(served.token);
  });

  it('opens with the one-time code, which the page exchanges for a session, once', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      openPages.add(page);
      const errors = watchPageErrors(page);
      await page.goto(served.loginUrl);
      await page.getByTestId('add-host').waitFor();
      // The app works: the host list loaded through the API with the session token.
      await page.getByTestId('no-hosts').waitFor();
      expect(page.url()).not.toContain('code=');
      const code = served.loginUrl.split('#code=')[1];
      const again = await fetch(new URL('/session', served.url), { method: 'POST', body: JSON.stringify({ code }) });
      expect(again.status).toBe(401);
      // A second browser with the used link gets no session, and the UI says the server refuses it.
      const other = await browser.newPage();
      await other.goto(served.loginUrl);
      const status = await other.evaluate(async () => (await fetch('/api/hosts:list', { method: 'POST', headers: { Authorization: `Bearer ${sessionStorage.getItem('archipelago.token') ?? ''}` }, body: '{}' })).status);
      expect(status).toBe(401);
      expect(errors).toEqual([]);
      openPages.delete(page);
    } finally {
      await browser.close();
    }
  });

  it('takes the token from --token-file, and removes serve-token when it stops', async () => {
    const tokenFile = path.join(dir, 'my-token');
    const token = 'from-a-file-0123456789abcdef';
    await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
    const configDir = path.join(dir, 'config2');
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/server/cli.ts', '--port', '0', '--token-file', tokenFile, '--config-dir', configDir, '--no-open'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '1', ARCHIPELAGO_TOKEN: '' },
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', () => {
        const m = /serving on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('close', () => reject(new Error(`server exited:\n${out}`)));
    });
    const res = await fetch(new URL('/api/app:info', url), { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '{}' });
    expect(res.status).toBe(200);
    expect(existsSync(path.join(configDir, 'serve-token'))).toBe(true);
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    expect(existsSync(path.join(configDir, 'serve-token'))).toBe(false);
  });
});
