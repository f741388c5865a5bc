// npm run docs:screenshots: refreshes the README's pictures from the screenshots the last e2e
// run wrote under test/artifacts/ (npm test, or npm run test:e2e with the lab up). A picture
// is replaced only when it changed visibly (scripts/screenshot-diff.ts), so a test run never
// touches docs/ and this command leaves git clean when nothing really changed.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { README_SHOTS } from '../test/readme-screenshots.mjs';
import { screenshotDiff } from './screenshot-diff';

const ROOT = path.resolve(import.meta.dirname, '..');
const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
const DOCS = path.join(ROOT, 'docs', 'screenshots');

const missing = README_SHOTS.filter((name) => !existsSync(path.join(ARTIFACTS, `${name}.png`)));
if (missing.length) {
  console.error(`No screenshot from an e2e run for: ${missing.join(', ')} (looked in ${ARTIFACTS}).`);
  console.error('Run the e2e suite first: `sudo npm test`, or `npm run lab -- up && npm run build && npm run test:e2e`.');
  process.exit(1);
}
mkdirSync(DOCS, { recursive: true });
let replaced = 0;
for (const name of README_SHOTS) {
  const fresh = path.join(ARTIFACTS, `${name}.png`);
  const current = path.join(DOCS, `${name}.png`);
  const taken = statSync(fresh).mtime.toISOString();
  if (!existsSync(current)) {
    copyFileSync(fresh, current);
    replaced++;
    console.log(`${name}: added (taken ${taken})`);
    continue;
  }
  const diff = screenshotDiff(readFileSync(current), readFileSync(fresh));
  if (diff.visible) {
    copyFileSync(fresh, current);
    replaced++;
  }
  console.log(`${name}: ${diff.visible ? 'replaced' : 'kept'} (${diff.reason}; taken ${taken})`);
}
console.log(`${replaced} of ${README_SHOTS.length} README screenshots replaced`);
