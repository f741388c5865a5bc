// The per-kind cache of the live model: reads race, and the read that started later wins.
import { describe, expect, it } from 'vitest';
import { KindStore } from '../../electron/engine/cluster/kind-store';

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
    expect(s.drain()).toEqual({ upserts: [{ id: 'a', state: 'running' }, { id: 'b', state: 'running' }], removes: [] });
    expect(s.put('a', () => ({ id: 'a', state: 'running' }), 2)).toBe(false);
    expect(s.drain()).toBeNull();
    s.put('a', () => ({ id: 'a', state: 'failed' }), 3);
    s.remove('b', 3);
    expect(s.drain()).toEqual({ upserts: [{ id: 'a', state: 'failed' }], removes: ['b'] });
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
