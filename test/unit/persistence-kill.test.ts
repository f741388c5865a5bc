// Killed mid-write, again and again: hosts.json must always be a whole version (old or new),
// loadable, with the hosts in the order they were added and none lost before the last good write.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostInventory } from '../../electron/engine/hosts/inventory';
import { tempDir } from '../support/temp-dir';

const WRITER = path.resolve(__dirname, '..', 'support', 'inventory-writer.ts');
const KILLS = 25;

function runAndKill(dir: string, afterMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), afterMs));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited ${code}: ${err}`))));
  });
}

describe('persistence under kill -9', () => {
  it(`leaves hosts.json whole after ${KILLS} kills in the middle of writes`, async () => {
    const { dir, cleanup } = await tempDir();
    try {
      let before = 0;
      for (let k = 0; k < KILLS; k++) {
        await runAndKill(dir, 5 + Math.floor(Math.random() * 60));
        const inv = new HostInventory(dir);
        expect(await inv.load(), `after kill ${k + 1}`).toBeUndefined();
        const names = inv.list().map((h) => h.name);
        // Whole versions only: h0, h1, … in order, never fewer than the last time.
        expect(names).toEqual(names.map((_, i) => `h${i}`));
        expect(names.length).toBeGreaterThanOrEqual(before);
        before = names.length;
      }
      expect(before).toBeGreaterThan(KILLS);
      // Temp files of interrupted writes are cleared at the next load.
      expect((await readdir(dir)).filter((f) => f.endsWith('.tmp')).length).toBeLessThanOrEqual(1);
    } finally {
      await cleanup();
    }
  }, 120_000);
});
