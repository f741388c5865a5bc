#!/usr/bin/env node
// `npm start` needs Electron's binary. npm may have skipped Electron's download script (newer
// npm runs install scripts only when allowed), so fetch it here if it is missing.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const electronDir = path.resolve(import.meta.dirname, '..', 'node_modules', 'electron');
if (!existsSync(path.join(electronDir, 'path.txt'))) {
  console.log('Downloading the Electron binary (once)…');
  const r = spawnSync(process.execPath, ['install.js'], { cwd: electronDir, stdio: 'inherit', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' } });
  if (r.status !== 0) {
    console.error('Could not download Electron. Check your internet connection, or use the browser UI instead: npm run serve');
    process.exit(1);
  }
}
