// The UI's copy of the live model: deltas applied in order give the engine's model; a gap in
// seq fetches the whole model, and deltas that arrive meanwhile are not lost.
import { describe, expect, it } from 'vitest';
import { ClusterState, comparableModel, type ClusterDelta } from '../../electron/shared/cluster-delta';
import type { ClusterModel, TaskView } from '../../electron/shared/model';
import { ClusterFeed } from '../../renderer/src/stores/cluster-feed';

const task = (id: string, state: string): TaskView => ({ id, serviceId: 's1', state, desiredState: 'running', addresses: [], swarmId: 'sw' });
const empty = (seq: number): ClusterModel => ({ swarm: null, swarms: [], hosts: [], nodes: [], networks: [], services: [], tasks: [], containers: [], updatedAt: '', seq });

/** A stand-in engine: its own state, changed by deltas it numbers itself. */
function engine() {
  const truth = new ClusterState();
  truth.load(empty(0));
  const deltas: ClusterDelta[] = [];
  const change = (d: Omit<ClusterDelta, 'seq'>) => {
    const delta = { ...d, seq: truth.seq + 1 };
    truth.apply(delta);
    deltas.push(delta);
    return delta;
  };
  return { truth, deltas, change };
}

const now = (fn: () => void) => fn();

describe('ClusterState', () => {
  it('applies deltas in order, ignores old ones, and calls a jump a gap', () => {
    const s = new ClusterState();
    expect(s.apply({ seq: 1, upserts: { tasks: [task('a', 'running')] } })).toBe('gap');
    s.load(empty(3));
    expect(s.apply({ seq: 3, upserts: { tasks: [task('a', 'running')] } })).toBe('stale');
    expect(s.apply({ seq: 4, upserts: { tasks: [task('a', 'running')] } })).toBe('applied');
    expect(s.apply({ seq: 6, removes: { tasks: ['a'] } })).toBe('gap');
    expect(s.maps.tasks.get('a')?.state).toBe('running');
    expect(s.apply({ seq: 5, removes: { tasks: ['a'] }, meta: { updatedAt: 'x' } })).toBe('applied');
    expect(s.maps.tasks.size).toBe(0);
    expect([...s.changed]).toEqual(['tasks']);
  });

  it('applies a patch as a new object, and calls a patch to an object it lacks a gap without applying any of the delta', () => {
    const s = new ClusterState();
    s.load({ ...empty(0), tasks: [{ ...task('a', 'starting'), message: 'starting' }] });
    const held = s.maps.tasks.get('a')!;
    expect(s.apply({ seq: 1, patches: { tasks: [{ key: 'a', set: { state: 'running' }, unset: ['message'] }] } })).toBe('applied');
    expect(s.maps.tasks.get('a')).toEqual(task('a', 'running'));
    expect(held.state).toBe('starting');
    expect(s.apply({ seq: 2, upserts: { tasks: [task('b', 'new')] }, patches: { tasks: [{ key: 'zz', set: { state: 'running' } }] } })).toBe('gap');
    expect(s.maps.tasks.has('b')).toBe(false);
    expect(s.seq).toBe(1);
  });
});

describe('ClusterState and rolling updates', () => {
  it('a task change while its service has an update changes the service too: its progress is derived from the tasks', () => {
    const s = new ClusterState();
    s.load(empty(0));
    const svc = { id: 's1', name: 'web', image: 'lab/web', mode: 'replicated' as const, replicas: 1, endpointMode: 'vip' as const, networkIds: [], ports: [], vips: [], swarmId: 'sw', update: { state: 'updating' as const, startedAt: '2026-01-01T10:00:00Z', updated: 0, total: 0, canRollback: true } };
    s.apply({ seq: 1, upserts: { services: [svc] } });
    expect(s.toModel().services[0].update).toMatchObject({ updated: 0, total: 1 });
    s.apply({ seq: 2, upserts: { tasks: [{ ...task('new', 'running'), createdAt: '2026-01-01T10:00:05Z' }] } });
    expect([...s.changed].sort()).toEqual(['services', 'tasks']);
    expect(s.toModel().services[0].update).toMatchObject({ updated: 1, total: 1 });
    expect(s.toModel().tasks[0].upToDate).toBe(true);
  });
});

describe('ClusterFeed', () => {
  it('ends with the engine model after 200 changes in order', async () => {
    const e = engine();
    const seen: string[][] = [];
    const feed = new ClusterFeed({ fetchModel: async () => e.truth.toModel(), later: now, changed: (k) => seen.push([...k]) });
    await feed.reload();
    for (let i = 0; i < 200; i++) {
      const id = `t${i % 37}`;
      feed.receive(e.change(i % 5 === 4 ? { removes: { tasks: [id] } } : { upserts: { tasks: [task(id, i % 2 ? 'running' : 'starting')] } }));
    }
    expect(feed.fullLoads).toBe(1);
    expect(comparableModel(feed.state.toModel())).toEqual(comparableModel(e.truth.toModel()));
    expect(seen.length).toBe(201);
  });

  it('a gap in seq fetches the whole model once, and the deltas after it still apply', async () => {
    const e = engine();
    let fetches = 0;
    let release: (() => void) | null = null;
    const feed = new ClusterFeed({
      fetchModel: () => {
        fetches += 1;
        const snapshot = e.truth.toModel();
        // The answer comes back after two more changes were made and delivered.
        return new Promise((resolve) => (release = () => resolve(snapshot)));
      },
      later: now,
      changed: () => {},
    });
    const first = feed.reload();
    release!();
    await first;
    feed.receive(e.change({ upserts: { tasks: [task('a', 'running')] } }));
    e.change({ upserts: { tasks: [task('b', 'running')] } }); // lost on the way
    feed.receive(e.change({ upserts: { tasks: [task('c', 'running')] } })); // seq 3 after 1: gap
    expect(fetches).toBe(2);
    feed.receive(e.change({ removes: { tasks: ['a'] } })); // arrives while the model is on its way
    release!();
    await new Promise((r) => setTimeout(r, 0));
    expect(fetches).toBe(2);
    expect(feed.state.seq).toBe(e.truth.seq);
    expect(comparableModel(feed.state.toModel())).toEqual(comparableModel(e.truth.toModel()));
  });
});
