// The discovery lesson's answers: what one frontend task's DNS says for backend, tasks.backend
// and each backend task's own name, read before a scale, after scaling up and after scaling back,
// and what the difference shows (the VIP stays; the task list moves).
import type { LessonProbeResult } from '../../../electron/shared/lessons';

export interface Answers {
  at: string;
  source: string;
  replicas: number;
  dns: LessonProbeResult['dns'];
}

export const answer = (a: Answers | undefined, name: string) => a?.dns.find((d) => d.name === name)?.addresses ?? [];
const sorted = (xs: string[]) => [...xs].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
const same = (a: string[], b: string[]) => sorted(a).join() === sorted(b).join();

/** What changed between two readings, in words, for the service and its task list. */
export function compare(before: Answers, after: Answers, service: string, mode: 'vip' | 'dnsrr') {
  const [v0, v1] = [answer(before, service), answer(after, service)];
  const [t0, t1] = [answer(before, `tasks.${service}`), answer(after, `tasks.${service}`)];
  const added = t1.filter((x) => !t0.includes(x));
  const gone = t0.filter((x) => !t1.includes(x));
  return {
    taskListMoved: !same(t0, t1),
    added,
    gone,
    vipStayed: mode === 'vip' && v0.length === 1 && same(v0, v1),
    words:
      mode === 'vip'
        ? `${service} → ${v1.join(', ') || 'nothing'} ${same(v0, v1) ? '(unchanged: one virtual IP whatever the number of tasks)' : `(was ${v0.join(', ') || 'nothing'})`}; tasks.${service} → ${t1.length} address(es)${added.length ? `, new ${added.join(', ')}` : ''}${gone.length ? `, gone ${gone.join(', ')}` : ''}`
        : `${service} and tasks.${service} both → ${t1.length} task address(es)${added.length ? `, new ${added.join(', ')}` : ''}${gone.length ? `, gone ${gone.join(', ')}` : ''} (dnsrr: no virtual IP, the name is the task list)`,
  };
}
