// Named cluster conditions for lab tests to wait for before asserting once: read from the
// cluster itself (the engine's model, or each host's own `docker network inspect --verbose`),
// never "retry the check until it says what we want". On timeout, the error says what was last seen.
import type { ClusterModel } from '../../electron/shared/model';
import type { LabHostEnv } from '../lab/lab';
import type { TestEngine } from './engine';
import { sshRun } from './lab';
import { waitFor } from './wait';

/**
 * Waits until `condition` returns true; otherwise it returns a description of what it saw.
 * The same wait as waitFor (one implementation of waiting), in the shape these conditions use.
 */
export async function waitUntil(what: string, condition: () => Promise<true | string>, timeoutMs = 90_000, everyMs = 500): Promise<void> {
  await waitFor(what, condition, (seen) => seen === true, { timeoutMs, everyMs, show: (seen) => String(seen) });
}

export const runningTasks = (m: ClusterModel, service: string) => {
  const s = m.services.find((x) => x.name === service);
  return m.tasks.filter((t) => t.serviceId === s?.id && t.state === 'running' && t.desiredState === 'running');
};

/** `service` has `count` running tasks spread over `nodes` distinct nodes. */
export function tasksRunning(t: TestEngine, service: string, count: number, nodes = Math.min(count, 3)): Promise<void> {
  return waitUntil(`${service}: ${count} running task(s) on ${nodes} node(s)`, async () => {
    const tasks = runningTasks(await t.call('cluster:snapshot', {}), service);
    const on = new Set(tasks.map((x) => x.nodeId)).size;
    return tasks.length === count && on === nodes ? true : `${tasks.length} running on ${on} node(s)`;
  });
}

/**
 * Every lab host that runs a task on the overlay (where it exists) knows every running task address of `services`
 * (gossip has converged): what a check from any node needs to see the whole service.
 */
export function overlayConverged(t: TestEngine, lab: LabHostEnv[], network: string, services: string[]): Promise<void> {
  return waitUntil(`every host's view of ${network} to know ${services.join(', ')}`, async () => {
    const m = await t.call('cluster:snapshot', {});
    const net = m.networks.find((n) => n.name === network);
    if (!net) return `no network ${network}`;
    const want = services.flatMap((s) => runningTasks(m, s).flatMap((x) => x.addresses.filter((a) => a.networkId === net.id).map((a) => a.address.replace(/\/\d+$/, ''))));
    const gaps: string[] = [];
    const onIt = new Set(m.tasks.filter((x) => x.state === 'running' && x.addresses.some((a) => a.networkId === net.id)).map((x) => m.nodes.find((n) => n.id === x.nodeId)?.hostname));
    for (const h of lab.filter((x) => onIt.has(x.name))) {
      const seen = await sshRun(h, ['docker', 'network', 'inspect', '--verbose', network, '--format', "'{{range .Services}}{{range .Tasks}}{{.EndpointIP}} {{end}}{{end}}'"]).catch(() => '');
      const known = new Set(seen.split(/\s+/).filter(Boolean));
      const missing = want.filter((ip) => !known.has(ip));
      if (missing.length) gaps.push(`${h.name} lacks ${missing.join(' ')}`);
    }
    return gaps.length ? gaps.join('; ') : true;
  });
}

/** The task addresses one host's view of an overlay lists (`docker network inspect --verbose`). */
export async function hostView(h: LabHostEnv, network: string, service?: string): Promise<string[]> {
  const format = service ? `'{{range (index .Services "${service}").Tasks}}{{.EndpointIP}} {{end}}'` : "'{{range .Services}}{{range .Tasks}}{{.EndpointIP}} {{end}}{{end}}'";
  const seen = await sshRun(h, ['docker', 'network', 'inspect', '--verbose', network, '--format', format]).catch(() => '');
  return seen.split(/\s+/).filter(Boolean).sort();
}

/** Live task addresses of a service on a network, from the engine's model. */
export async function liveTaskIps(t: TestEngine, network: string, service: string): Promise<string[]> {
  const m = await t.call('cluster:snapshot', {});
  const net = m.networks.find((n) => n.name === network);
  const s = m.services.find((x) => x.name === service);
  return m.tasks
    .filter((x) => x.serviceId === s?.id && !['complete', 'shutdown', 'failed', 'rejected', 'orphaned', 'remove'].includes(x.state))
    .flatMap((x) => x.addresses.filter((a) => a.networkId === net?.id).map((a) => a.address.replace(/\/\d+$/, '')))
    .sort();
}
