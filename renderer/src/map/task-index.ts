// One pass over the tasks gives everything the map shows of them: each node's tasks, each
// service's running count, and which nodes each network reaches. Computed once per change and
// shared by the full layout and the in-place updates.
import { markRaw } from 'vue';
import type { TaskView } from '../../../electron/shared/model';

export interface TaskDot {
  id: string;
  service: string;
  color: string;
  state: string;
}

export interface TaskIndex {
  /** Tasks meant to run, per node. */
  byNode: Map<string, TaskView[]>;
  /** Tasks running, per service. */
  running: Map<string, number>;
  /** Nodes a network has a task on, per network. */
  reached: Map<string, Set<string>>;
}

export function indexTasks(tasks: TaskView[]): TaskIndex {
  const byNode = new Map<string, TaskView[]>();
  const running = new Map<string, number>();
  const reached = new Map<string, Set<string>>();
  for (const t of tasks) {
    if (t.desiredState !== 'running') continue;
    if (t.state === 'running') running.set(t.serviceId, (running.get(t.serviceId) ?? 0) + 1);
    if (!t.nodeId) continue;
    const list = byNode.get(t.nodeId);
    if (list) list.push(t);
    else byNode.set(t.nodeId, [t]);
    for (const a of t.addresses) {
      let set = reached.get(a.networkId);
      if (!set) reached.set(a.networkId, (set = new Set()));
      set.add(t.nodeId);
    }
  }
  return { byNode, running, reached };
}

const colors = new Map<string, string>();

/** A stable colour per service, spread around the hue circle. */
export function serviceColor(id: string): string {
  let c = colors.get(id);
  if (c) return c;
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  c = `hsl(${h % 360} 65% 50%)`;
  colors.set(id, c);
  return c;
}

/** What an island's dots show: its tasks' ids and states, in order. */
export function dotsSignature(list: TaskView[] | undefined): string {
  let sig = '';
  if (list) for (const t of list) sig += `${t.id}${t.state},`;
  return sig;
}

/** Task lists are plain data the map only reads: no need for Vue to watch each task. */
export function dotsOf(list: TaskView[] | undefined, serviceName: (id: string) => string): TaskDot[] {
  return markRaw((list ?? []).map((t) => ({ id: t.id, service: serviceName(t.serviceId), color: serviceColor(t.serviceId), state: t.state })));
}
