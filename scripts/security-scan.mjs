#!/usr/bin/env node
// npm run security:scan: Doyensec's electronegativity, a static scanner for Electron security
// misconfigurations, over the built app (out/, from `npm run build`). It fails on any finding
// that security/electronegativity-allowlist.json does not explain, and on an allowlist entry that
// matches nothing any more (so the list cannot rot). Plain JavaScript: npm test runs it as is.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'out');
const ALLOWLIST = path.join(ROOT, 'security', 'electronegativity-allowlist.json');

if (!existsSync(path.join(OUT, 'main', 'index.js'))) {
  console.error('security scan: the app is not built (out/main/index.js is missing): run npm run build first');
  process.exit(2);
}
const electron = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).devDependencies.electron;
const dir = mkdtempSync(path.join(os.tmpdir(), 'electronegativity-'));
const report = path.join(dir, 'report.sarif');
try {
  const bin = path.join(ROOT, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');
  const run = spawnSync(process.execPath, [bin, '-i', OUT, '-o', report, '-r', '-e', electron], { cwd: ROOT, encoding: 'utf8' });
  if (!existsSync(report)) {
    console.error(`security scan: electronegativity wrote no report (exit ${run.status})\n${run.stdout}\n${run.stderr}`);
    process.exit(2);
  }
  const results = JSON.parse(readFileSync(report, 'utf8')).runs[0].results;
  const { accepted } = JSON.parse(readFileSync(ALLOWLIST, 'utf8'));
  const used = new Set();
  const unexplained = [];
  for (const r of results) {
    const loc = r.locations?.[0]?.physicalLocation;
    const file = loc?.artifactLocation?.uri ?? 'N/A';
    const where = `${file}:${loc?.region?.startLine ?? 0}`;
    const entry = accepted.find((a) => a.check === r.ruleId && a.file === file);
    if (entry) {
      used.add(entry);
      console.log(`accepted  ${r.ruleId} at ${where}: ${entry.reason.slice(0, 100)}…`);
    } else {
      unexplained.push(`${r.ruleId} (${r.level}) at ${where}: ${r.message.text}`);
    }
  }
  const stale = accepted.filter((a) => !used.has(a));
  for (const a of accepted) if (!a.reason || a.reason.length < 20) unexplained.push(`allowlist entry ${a.check} ${a.file} has no reason`);
  for (const u of unexplained) console.error(`FINDING   ${u}`);
  for (const s of stale) console.error(`STALE     allowlist entry ${s.check} ${s.file} matches no finding: remove it`);
  console.log(JSON.stringify({ electronegativity: { findings: results.length, accepted: used.size, unexplained: unexplained.length, stale: stale.length } }));
  process.exit(unexplained.length || stale.length ? 1 : 0);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
