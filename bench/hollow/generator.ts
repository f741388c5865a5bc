// Changes at a chosen rate, as a busy swarm makes them: most are a task's container dying and
// its replacement starting, some are steps of rolling updates, a few are nodes going down and
// coming back.
import type { World } from './world';

export type Change =
  | { kind: 'restart' | 'roll'; taskId: string; containerId: string; timeNano: number }
  | { kind: 'node'; nodeId: string; state: 'ready' | 'down'; timeNano: number };

export function runChanges(world: World, perSecond: number, seconds: number, report: (c: Change) => void): Promise<number> {
  const total = Math.round(perSecond * seconds);
  const taskIds = () => [...world.tasks.keys()];
  const serviceIds = [...world.services.keys()];
  const workers = world.hosts.filter((h) => !h.manager).map((h) => h.index);
  const down = new Set<number>();
  let made = 0;
  const started = performance.now();
  return new Promise((resolve) => {
    const step = () => {
      // Paced against the clock, so the rate holds even when a timer fires late.
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * perSecond) + 1);
      for (; made < due; made++) {
        const r = Math.random();
        if (r < 0.03 && workers.length) {
          const index = workers[made % workers.length];
          const state = down.has(index) ? 'ready' : 'down';
          if (state === 'down') down.add(index);
          else down.delete(index);
          report({ kind: 'node', ...world.setNode(index, state), state });
        } else if (r < 0.15) {
          const c = world.rollStep(serviceIds[made % serviceIds.length]);
          if (c) report({ kind: 'roll', ...c });
        } else {
          const ids = taskIds();
          const c = world.restartTask(ids[Math.floor(Math.random() * ids.length)]);
          if (c) report({ kind: 'restart', ...c });
        }
      }
      if (made >= total) {
        for (const index of down) world.setNode(index, 'ready');
        resolve(made);
      } else setTimeout(step, Math.max(1, 1000 / perSecond / 2));
    };
    step();
  });
}
