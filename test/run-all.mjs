#!/usr/bin/env node
// `npm test`: everything the tests need, then every suite, on a fresh Debian/Ubuntu machine as
// root. Plain JavaScript so it can run before node_modules exists. Steps:
//   1. npm dependencies (if missing) and system packages (apt, when root on Debian)
//   2. typecheck, unit tests, build, the Electron security scan of the built app
//   3. the lab up; integration and e2e suites; the lab down — even when something failed —
//      and a check that it left the machine's namespaces and links as they were
//   4. a check that the checkout is as the run found it (screenshots go to test/artifacts/;
//      `npm run docs:screenshots` refreshes the README's, on purpose)
// Each step is reported as ok or FAILED and fails the run; the closing line "N passed, N
// failed" counts test cases only.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');
const isRoot = process.getuid?.() === 0;
const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };

// What the suites use from the system, and the Debian package that brings each.
const SYSTEM_NEEDS = [
  ['/usr/sbin/dockerd', 'docker.io'],
  ['/usr/sbin/sshd', 'openssh-server'],
  ['/usr/bin/ssh', 'openssh-client'],
  ['/bin/busybox', 'busybox-static'],
  ['/usr/sbin/ip', 'iproute2'],
  ['/usr/sbin/iptables', 'iptables'],
  ['/usr/bin/nsenter', 'util-linux'],
  ['/usr/bin/openssl', 'openssl'],
  ['/usr/bin/chromium', 'chromium'],
];

/** Test cases, from vitest's reports: the only thing the closing line counts. */
const cases = { passed: 0, failed: 0 };
/** Everything else the run does (install, typecheck, build, lab, each suite as a whole). */
const steps = [];

function log(line) {
  console.log(`\n== ${line}`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env, ...opts });
  return r.status === 0;
}

function step(name, ok) {
  steps.push({ name, ok });
  return ok;
}

function ensureNodeModules() {
  if (existsSync(path.join(ROOT, 'node_modules', '.bin', 'vitest'))) return true;
  log('installing npm dependencies (npm install)');
  return run('npm', ['install', '--no-audit', '--no-fund']);
}

function ensureSystemPackages() {
  const missing = [...new Set(SYSTEM_NEEDS.filter(([file]) => !existsSync(file)).map(([, pkg]) => pkg))];
  if (missing.length === 0) return true;
  if (!isRoot || !existsSync('/etc/debian_version')) {
    console.error(`missing system packages: ${missing.join(' ')}. Install them (apt-get install ${missing.join(' ')}) and run npm test again.`);
    return false;
  }
  log(`installing system packages: ${missing.join(' ')}`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  return run('apt-get', ['update', '-q'], { env: aptEnv }) && run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env: aptEnv });
}

/**
 * Runs one vitest project: its test cases go into the counts, the suite as a whole is a step
 * (failed when vitest fails, when a case fails, or when no case ran at all).
 */
function vitest(project) {
  log(`${project} tests`);
  const report = path.join(ARTIFACTS, `${project}-report.json`);
  const ok = run(path.join(ROOT, 'node_modules', '.bin', 'vitest'), ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  let r;
  try {
    r = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    return step(`${project} suite (vitest wrote no report)`, false);
  }
  cases.passed += r.numPassedTests;
  cases.failed += r.numFailedTests;
  const what = `${project} suite: ${r.numPassedTests} passed, ${r.numFailedTests} failed${r.numTotalTests === 0 ? ', none ran' : ''}`;
  return step(what, ok && r.numFailedTests === 0 && r.numTotalTests > 0);
}

/** What git says differs in the checkout (null outside a git checkout or without git). */
function checkoutState() {
  const r = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout : null;
}

// This run's lab (labs can run side by side, test/lab/config.ts) and where labs mark themselves up.
const LAB_NAME = process.env.ARCHIPELAGO_LAB_NAME ?? 'archlab';
const LABS_UP_DIR = '/run/archipelago-labs';

function otherLabsUp() {
  return existsSync(LABS_UP_DIR) && readdirSync(LABS_UP_DIR).some((f) => f.endsWith('.up') && f !== `${LAB_NAME}.up`);
}

/**
 * The machine's namespaces, links and neighbour limits. Alone on the machine, all of them are
 * compared; beside other labs (which come and go), only this lab's own names are, and the
 * shared kernel setting is theirs to restore.
 */
function networkState(onlyOurs) {
  const ours = (name) => !onlyOurs || name === `${LAB_NAME}0` || name.startsWith(`${LAB_NAME}-`);
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n && ours(n))
    .sort()
    .join(' ');
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(':')[1]?.trim().split('@')[0])
    .filter((n) => n && ours(n))
    .sort()
    .join(' ');
  // The lab raises the kernel's neighbour-table limits while it is up (test/lab/neighbours.ts).
  const neigh = onlyOurs ? '(shared with the other labs)' : ['gc_thresh1', 'gc_thresh2', 'gc_thresh3'].map((k) => readFileSync(`/proc/sys/net/ipv4/neigh/default/${k}`, 'utf8').trim()).join(' ');
  return { netns, links, neigh };
}

function labCommand(...args) {
  return run(process.execPath, ['--import', 'tsx', 'test/lab/cli.ts', ...args]);
}

function finish() {
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  console.log(`\nnpm test finished in ${minutes} min. Steps:`);
  for (const s of steps) console.log(`  ${s.ok ? 'ok    ' : 'FAILED'} ${s.name}`);
  console.log(`${cases.passed} passed, ${cases.failed} failed`);
  process.exit(cases.failed === 0 && steps.every((s) => s.ok) ? 0 : 1);
}

const started = Date.now();
mkdirSync(ARTIFACTS, { recursive: true });
const checkoutBefore = checkoutState();
if (!step('npm dependencies', ensureNodeModules()) || !step('system packages', ensureSystemPackages())) finish();

log('typecheck');
step('typecheck', run('npm', ['run', '-s', 'typecheck']));
vitest('unit');
log('build');
const built = step('build', run('npm', ['run', '-s', 'build']));
// Electron security misconfigurations in the built app, against security/electronegativity-allowlist.json.
if (built) {
  log('security scan (electronegativity)');
  step('security scan', run('npm', ['run', '-s', 'security:scan']));
}

if (!isRoot || process.platform !== 'linux') {
  console.error('\nThe integration and e2e suites need the lab, which needs Linux and root: run `sudo npm test`.');
  step('lab (needs root on Linux)', false);
} else {
  // A lab left by an earlier run comes down first, so the suites start from clean engines.
  labCommand('down');
  // Both views now; which one is compared depends on whether another lab was up at either end.
  const beforeAll = networkState(false);
  const beforeOurs = networkState(true);
  const besideOthers = otherLabsUp();
  log('lab up');
  if (step('lab up', labCommand('up', '--hosts', '3'))) {
    vitest('integration');
    vitest('faults');
    if (built) vitest('e2e');
  }
  log('lab down');
  step('lab down', labCommand('down'));
  const onlyOurs = besideOthers || otherLabsUp();
  const before = onlyOurs ? beforeOurs : beforeAll;
  const after = networkState(onlyOurs);
  const clean = after.netns === before.netns && after.links === before.links && after.neigh === before.neigh;
  if (!clean) console.error(`the lab left traces:\n before ${JSON.stringify(before)}\n after  ${JSON.stringify(after)}`);
  step('lab left no namespace, link or kernel setting behind', clean);
}

const checkoutAfter = checkoutState();
if (checkoutBefore !== null && checkoutAfter !== null) {
  const same = checkoutAfter === checkoutBefore;
  if (!same) console.error(`the run changed the checkout (git status --porcelain):\n before:\n${checkoutBefore || ' (clean)\n'} after:\n${checkoutAfter}`);
  step('the checkout is as the run found it (git status)', same);
}
finish();
