// Names that point at tasks that are gone: compared per node against the target's real tasks.
import { describe, expect, it } from 'vitest';
import type { CheckSource } from '../../electron/shared/model';
import { diagnoseStaleDns } from '../../electron/engine/checks/diagnose-stale-dns';

const src = (node: string, tasksB: string[], b: string[] = tasksB): CheckSource => ({ task: `a.${node}`, node, via: 'exec', dns: [{ name: 'b', addresses: b }, { name: 'tasks.b', addresses: tasksB }] });

describe('stale-dns', () => {
  it('names the node and the addresses no task has', () => {
    const v = diagnoseStaleDns('b', 'dnsrr', 'n', [src('h1', ['10.0.0.2']), src('h3', ['10.0.0.2', '10.0.0.9'])], { taskIps: ['10.0.0.2'] })!;
    expect(v).toMatchObject({ code: 'stale-dns', service: 'b', title: 'h3 still resolves b to 1 address(es) of tasks that are gone: 10.0.0.9' });
    expect(v.next).toContain('docker service update --force b');
  });
  it('in vip mode the name is the VIP: only tasks.b is compared', () => {
    expect(diagnoseStaleDns('b', 'vip', 'n', [src('h1', ['10.0.0.2'], ['10.0.0.100'])], { taskIps: ['10.0.0.2'], vip: '10.0.0.100' })).toBeUndefined();
  });
  it('tasks starting or stopping are not stale; no truth read, nothing said', () => {
    expect(diagnoseStaleDns('b', 'dnsrr', 'n', [src('h1', ['10.0.0.2', '10.0.0.3'])], { taskIps: ['10.0.0.2', '10.0.0.3'] })).toBeUndefined();
    expect(diagnoseStaleDns('b', 'dnsrr', 'n', [src('h1', ['10.0.0.9'])], undefined)).toBeUndefined();
  });
});
