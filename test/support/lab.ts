// What integration and e2e tests know about the lab: its hosts, and a way to run a command on
// one of them with the plain OpenSSH client, as a check independent of our own SSH code.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { restartDockerd } from '../lab/faults';
import { env, status, type LabHostEnv } from '../lab/lab';
import { WaitTimeout, waitFor } from './wait';

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
  for (const h of hosts) await releaseGossipPort(h);
}

/**
 * dockerd 20.10 can keep its gossip listener (TCP 7946) after leaving a swarm, when closing its
 * network database times out on a busy machine (it logs "Could not close DB: timeout waiting
 * for leave broadcast"). Every later swarm on that engine then fails to gossip ("bind: address
 * already in use"): its tasks are never known to the other hosts. Such an engine is restarted,
 * so the next test starts from a sound one, and the run says so.
 */
async function releaseGossipPort(h: LabHostEnv): Promise<void> {
  const listening = () => sshRun(h, ['ss', '-Hltn', 'sport', '=', ':7946']);
  try {
    await waitFor(`${h.name}'s dockerd to close its gossip port 7946 after leaving the swarm`, listening, (out) => out === '', { timeoutMs: 5_000, everyMs: 250 });
  } catch (err) {
    if (!(err instanceof WaitTimeout)) throw err;
    console.warn(`${h.name}: dockerd still listens on 7946 after leaving the swarm (its gossip would never work again): restarting it`);
    await restartDockerd(h.name);
  }
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
