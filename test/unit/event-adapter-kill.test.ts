// A `kill` is a signal, not a state: the model waits for the `die` that follows (reading the
// container on `kill` delayed that `die` over SSH, see event-adapter.ts).
import { describe, expect, it } from 'vitest';
import { impliedContainerState, impliedTaskState, touched } from '../../electron/engine/cluster/adapters/event-adapter';

const event = (Action: string) => ({ Type: 'container' as const, Action, Actor: { ID: 'c1', Attributes: { 'com.docker.swarm.service.id': 's1', 'com.docker.swarm.task.id': 't1' } } });

describe('container events', () => {
  it('reads nothing on kill, and reads on the die that follows', () => {
    expect(touched(event('kill'))).toBeNull();
    expect(touched(event('die'))).toMatchObject({ kind: 'container', id: 'c1', serviceId: 's1', taskId: 't1', action: 'die' });
    expect([impliedContainerState('kill'), impliedTaskState('kill')]).toEqual([undefined, undefined]);
    expect([impliedContainerState('die'), impliedTaskState('die')]).toEqual(['stopped', 'stopped']);
  });
});
