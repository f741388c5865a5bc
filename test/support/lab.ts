// What integration and e2e tests know about the lab: its hosts, and a way to run a command on
// one of them with the plain OpenSSH client, as a check independent of our own SSH code.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { env, status, type LabHostEnv } from '../lab/lab';

const execFileAsync = promisify(execFile);

let checkedUp = false;

export async function labHosts(): Promise<LabHostEnv[]> {
  if (!checkedUp) {
    const rows = await status();
    if (rows.length < 3 || !rows.every((r) => r.healthy)) throw new Error('the lab is not up: run `npm run lab -- up` (npm test does this for you)');
    checkedUp = true;
  }
  return env();
}

export async function sshRun(host: LabHostEnv, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(
    'ssh',
    ['-i', host.keyPath, '-p', String(host.port), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `${host.user}@${host.address}`, ...args],
    { timeout: 60_000 },
  );
  return stdout.trim();
}

/** Makes every lab host leave any swarm (workers first), so a test starts from none. */
export async function leaveSwarmEverywhere(hosts: LabHostEnv[]): Promise<void> {
  for (const h of [...hosts].reverse()) await sshRun(h, ['docker', 'swarm', 'leave', '--force', '2>/dev/null', '||', 'true']);
}

/**
 * Waits until a service's rolling update (if any) has finished and every desired task runs, as
 * the manager's CLI reports it. A map laid out again while tasks roll can move a chip out from
 * under a drag, so drags wait for this first. On timeout it throws with what it last saw.
 */
export async function waitForRolledOut(manager: LabHostEnv, service: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  for (;;) {
    const state = await sshRun(manager, ['docker', 'service', 'inspect', service, '--format', "'{{if .UpdateStatus}}{{.UpdateStatus.State}}{{else}}none{{end}} {{.Spec.Mode.Replicated.Replicas}}'"]);
    const running = (await sshRun(manager, ['docker', 'service', 'ps', service, '--filter', 'desired-state=running', '--format', "'{{.CurrentState}}'"])).split('\n').filter((l) => l.startsWith('Running')).length;
    seen = `update ${state.split(' ')[0]}, ${running} of ${state.split(' ')[1]} desired tasks running`;
    if (/^(none|completed|rollback_completed) /.test(state) && String(running) === state.split(' ')[1]) return;
    if (Date.now() > deadline) throw new Error(`${service} did not finish rolling out within ${timeoutMs} ms: ${seen}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
