// The README shows only pictures the e2e suite takes (copied by npm run docs:screenshots).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { README_SHOTS } from '../readme-screenshots.mjs';

const ROOT = path.resolve(__dirname, '..', '..');

describe('README screenshots', () => {
  it('come from the e2e run and exist', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const used = [...readme.matchAll(/\]\(docs\/screenshots\/([\w-]+)\.png\)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThanOrEqual(8);
    for (const name of used) {
      expect(README_SHOTS, `${name}.png is not one the e2e run copies`).toContain(name);
      expect(existsSync(path.join(ROOT, 'docs', 'screenshots', `${name}.png`)), name).toBe(true);
    }
    // …and every one of them is really taken by an e2e test.
    const dir = path.join(ROOT, 'test', 'e2e');
    const e2e = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');
    for (const name of README_SHOTS) {
      const learn = /^learn-(\d)-(\w+)$/.exec(name);
      expect(learn ? e2e.includes(`shot(${learn[1]}, '${learn[2]}')`) : e2e.includes(`screenshot(page, '${name}')`), `no e2e test takes ${name}`).toBe(true);
    }
  });
});
