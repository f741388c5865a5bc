// Every dependency with an install script has been reviewed: allowScripts names each one, so
// `npm ci` prints no advisory and runs nothing unreviewed (npm 12 blocks unlisted scripts). None
// is needed: Electron's binary is fetched by scripts/ensure-electron.mjs, ssh2's and
// cpu-features' native builds are optional, esbuild runs from its platform package, vue-demi
// ships its Vue 3 files, and the rest only print or prepare tooling the app does not use.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };

describe('install scripts', () => {
  it('are all reviewed in allowScripts, and none is allowed', () => {
    const withScripts = [...new Set(Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([k]) => k.split('node_modules/').pop()!))].sort();
    expect(withScripts.length).toBeGreaterThan(0);
    expect(Object.keys(pkg.allowScripts ?? {}).sort()).toEqual(withScripts);
    expect(Object.entries(pkg.allowScripts ?? {}).filter(([, allowed]) => allowed)).toEqual([]);
  });
});
