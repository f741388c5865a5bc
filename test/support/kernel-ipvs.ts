// Does VIP load balancing work on these hosts? Swarm's VIPs need IPVS in the kernel. Found out
// from the hosts themselves, never assumed: /proc/net/ip_vs exists in a host's network namespace
// once the ip_vs module is loaded there, and dockerd logs "Could not get ipvs family information"
// when it cannot use it. Read after the swarm exists (dockerd asks for IPVS when it builds the
// ingress and service load balancers).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LAB_DIR } from '../lab/config';
import type { LabHostEnv } from '../lab/lab';
import { sshRun } from './lab';

export const IPVS_MISSING_LOG = 'Could not get ipvs family information';

export interface IpvsFacts {
  works: boolean;
  /** One line per host: what was read there. */
  evidence: string[];
}

export async function kernelIpvs(hosts: LabHostEnv[]): Promise<IpvsFacts> {
  const evidence: string[] = [];
  let works = true;
  for (const h of hosts) {
    const proc = await sshRun(h, ['test', '-e', '/proc/net/ip_vs', '&&', 'echo', 'present', '||', 'echo', 'absent']);
    // The lab keeps each engine's log in the host's folder.
    const log = await readFile(path.join(LAB_DIR, h.name, 'dockerd.log'), 'utf8').catch(() => '');
    const complained = log.includes(IPVS_MISSING_LOG);
    if (proc !== 'present' || complained) works = false;
    evidence.push(`${h.name}: /proc/net/ip_vs ${proc}; dockerd ${complained ? `logged "${IPVS_MISSING_LOG}"` : 'did not complain about IPVS'}`);
  }
  return { works, evidence };
}
