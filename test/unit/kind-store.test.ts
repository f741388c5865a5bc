// The per-kind cache of the live model: reads race, and the read that started later wins.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KindStore } from '../../electron/engine/cluster/kind-store';
import { ClusterState, type ClusterDelta } from '../../electron/shared/cluster-delta';
import type { TaskView } from '../../electron/shared/model';

interface Obj {
  id: string;
  state: string;
  group?: string;
}
const item = (o: Obj, version?: number) => ({ key: o.id, build: () => o, version });

describe('KindStore', () => {
  it('sends only what changed, whole, and the keys gone', () => {
    const s = new KindStore<Obj>();
    s.put('a', () => ({ id: 'a', state: 'running' }), 1);
    s.put('b', () => ({ id: 'b', state: 'running' }), 1);
    expect(s.drain()).toEqual({ upserts: [{ id: 'a', state: 'running' }, { id: 'b', state: 'running' }], patches: [], removes: [] });
    expect(s.put('a', () => ({ id: 'a', state: 'running' }), 2)).toBe(false);
    expect(s.drain()).toBeNull();
    s.put('a', () => ({ id: 'a', state: 'failed' }), 3);
    s.remove('b', 3);
    // So small an object is smaller whole than as a patch.
    expect(s.drain()).toEqual({ upserts: [{ id: 'a', state: 'failed' }], patches: [], removes: ['b'] });
  });

  it('sends a changed object the client holds as the fields that changed, from what it last sent', () => {
    const s = new KindStore<Obj & { message?: string; image: string }>();
    const big = { id: 'a', state: 'starting', message: 'preparing', image: 'registry.example.com/team/web:1.2.3@sha256:0123456789abcdef' };
    s.put('a', () => big, 1);
    expect(s.drain()?.upserts).toEqual([big]);
    // Two changes between deltas: one patch from the value last sent, the message gone.
    s.put('a', () => ({ ...big, state: 'ready', message: 'ready' }), 2);
    const { message: _gone, ...running } = { ...big, state: 'running' };
    s.put('a', () => running, 3);
    expect(s.drain()).toEqual({ upserts: [], patches: [{ key: 'a', set: { state: 'running' }, unset: ['message'] }], removes: [] });
    // Removed and added again before a delta: the client no longer holds it, so it goes whole.
    s.remove('a', 4);
    s.put('a', () => big, 5);
    expect(s.drain()).toEqual({ upserts: [big], patches: [], removes: [] });
  });

  it('a list that started before an event read neither overwrites nor removes what that read wrote', () => {
    const s = new KindStore<Obj>();
    s.put('a', () => ({ id: 'a', state: 'running' }), 10); // the event's read, started at 10
    // The resync's list started at 5 and still says 'starting', and does not know 'b' yet.
    s.put('b', () => ({ id: 'b', state: 'new' }), 12);
    s.replaceScope([item({ id: 'a', state: 'starting' })], 5, ['a', 'b']);
    expect(s.get('a')?.state).toBe('running');
    expect(s.get('b')?.state).toBe('new');
  });

  it('an object removed by an event is not brought back by an older list', () => {
    const s = new KindStore<Obj>();
    s.put('a', () => ({ id: 'a', state: 'running' }), 1);
    s.remove('a', 10);
    s.replaceScope([item({ id: 'a', state: 'running' })], 5, []);
    expect(s.get('a')).toBeUndefined();
    // A list that started after the removal does bring it back (it exists again).
    s.replaceScope([item({ id: 'a', state: 'running' })], 11, []);
    expect(s.get('a')?.state).toBe('running');
  });

  it('never goes back to an older version of a swarm object, and skips building an unchanged one', () => {
    const s = new KindStore<Obj>();
    s.put('t', () => ({ id: 't', state: 'running' }), 1, 7);
    expect(s.put('t', () => ({ id: 't', state: 'assigned' }), 2, 6)).toBe(false);
    expect(s.get('t')?.state).toBe('running');
    let built = 0;
    s.put('t', () => (built++, { id: 't', state: 'running' }), 3, 7);
    expect(built).toBe(0);
  });

  it('keeps its indexes as objects move between groups', () => {
    const s = new KindStore<Obj>({ group: (o) => o.group });
    s.put('a', () => ({ id: 'a', state: 'x', group: 'g1' }), 1);
    s.put('b', () => ({ id: 'b', state: 'x', group: 'g1' }), 1);
    s.put('a', () => ({ id: 'a', state: 'x', group: 'g2' }), 2);
    expect(s.keysIn('group', 'g1')).toEqual(['b']);
    expect(s.keysIn('group', 'g2')).toEqual(['a']);
    s.drop('b');
    expect(s.keysIn('group', 'g1')).toEqual([]);
  });
});

describe('KindStore deltas applied by ClusterState', () => {
  it('any sequence of writes, removes and drains gives the client exactly what the store holds', () => {
    const op = fc.oneof(
      fc.record({ put: fc.constantFrom('t1', 't2', 't3'), state: fc.constantFrom('new', 'running', 'failed'), message: fc.option(fc.constantFrom('a long scheduler message', 'x'), { nil: undefined }), nodeId: fc.option(fc.constantFrom('n1', 'n2'), { nil: undefined }) }),
      fc.record({ remove: fc.constantFrom('t1', 't2', 't3') }),
      fc.constant({ drain: true }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const store = new KindStore<TaskView>();
        const client = new ClusterState();
        client.load({ swarm: null, swarms: [], hosts: [], nodes: [], networks: [], services: [], tasks: [], containers: [], updatedAt: '', seq: 0 });
        let seq = 0;
        let at = 0;
        const drain = () => {
          const d = store.drain();
          // The delta crosses a JSON boundary, as it does to a window.
          if (d) expect(client.apply(JSON.parse(JSON.stringify({ seq: ++seq, upserts: { tasks: d.upserts }, patches: { tasks: d.patches }, removes: { tasks: d.removes } })) as ClusterDelta)).toBe('applied');
        };
        for (const o of ops) {
          at += 1;
          if ('put' in o) {
            // nodeId is written even when undefined, as views built with `x ?? undefined` are: JSON drops it.
            const t: TaskView = { id: o.put, serviceId: 's', state: o.state, desiredState: 'running', addresses: [], swarmId: 'sw', ...(o.message ? { message: o.message } : {}), nodeId: o.nodeId };
            store.put(o.put, () => t, at);
          } else if ('remove' in o) store.remove(o.remove, at);
          else drain();
        }
        drain();
        // Compared as they cross to a window: as JSON.
        const byId = (xs: TaskView[]) => JSON.parse(JSON.stringify(Object.fromEntries(xs.map((t) => [t.id, t])))) as unknown;
        expect(byId([...client.maps.tasks.values()])).toEqual(byId([...store.values()]));
      }),
      { numRuns: 500 },
    );
  });
});
