// The map bench runs the UI in Chromium through browser mode, which serves out/renderer. From a
// fresh clone nothing is built yet: build it here (as `npm run build` does) when it is missing
// or older than the renderer's sources, so `npm run bench -- map` works right after npm install.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export function ensureUiBuilt(): void {
  const index = path.join(ROOT, 'out', 'renderer', 'index.html');
  const sources = Math.max(newestIn(path.join(ROOT, 'renderer')), newestIn(path.join(ROOT, 'electron', 'shared')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  console.log(`building the UI first (${existsSync(index) ? 'out/renderer is older than its sources' : 'out/renderer is missing'}): electron-vite build`);
  const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`electron-vite build failed (exit ${r.status ?? r.signal})`);
}
