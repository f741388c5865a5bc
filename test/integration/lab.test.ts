// The lab itself: real hosts that answer over SSH, each with its own engine and name,
// able to form a swarm over the lab subnet.
import { afterAll, describe, expect, it } from 'vitest';
import { labHosts, sshRun } from '../support/lab';

describe('the lab', () => {
  it('gives every host its own hostname and Docker engine over SSH', async () => {
    const hosts = await labHosts();
    const ids = new Set<string>();
    for (const h of hosts) {
      const [hostname, name, id, images] = (await sshRun(h, ['hostname', ';', 'docker', 'info', '--format', "'{{.Name}}|{{.ID}}'", ';', 'docker', 'images', '--format', "'{{.Repository}}'", '|', 'sort', '|', 'paste', '-sd,'])).split(/\n|\|/);
      expect(hostname).toBe(h.name);
      expect(name).toBe(h.name);
      expect(images).toBe('lab/bare,lab/web');
      ids.add(id);
    }
    expect(ids.size).toBe(hosts.length);
  });

  afterAll(async () => {
    for (const h of await labHosts()) await sshRun(h, ['docker', 'swarm', 'leave', '--force', '||', 'true']);
  });

  it('lets three hosts form a swarm over the lab subnet', async () => {
    const [manager, ...workers] = await labHosts();
    await sshRun(manager, ['docker', 'swarm', 'init', '--advertise-addr', manager.address]);
    const token = await sshRun(manager, ['docker', 'swarm', 'join-token', '-q', 'worker']);
    for (const w of workers) {
      expect(await sshRun(w, ['docker', 'swarm', 'join', '--token', token, `${manager.address}:2377`])).toContain('joined a swarm');
    }
    const nodes = (await sshRun(manager, ['docker', 'node', 'ls', '--format', "'{{.Hostname}} {{.Status}}'"])).split('\n').sort();
    expect(nodes).toEqual(['h1 Ready', 'h2 Ready', 'h3 Ready']);
  });
});
