// Where the lab lives and how its hosts are named and addressed.
import path from 'node:path';

/**
 * Several labs can run side by side (one per worktree, say): each has a name that prefixes its
 * namespaces, links and folder, and its own /24. The default lab is `archlab` on 172.31.250/24.
 * Link names are at most 15 characters, so a name is at most 8 (`NAME-h20`).
 */
export const LAB_NAME = process.env.ARCHIPELAGO_LAB_NAME ?? 'archlab';
if (!/^[a-z][a-z0-9]{0,7}$/.test(LAB_NAME)) {
  throw new Error(`ARCHIPELAGO_LAB_NAME must be 1-8 lowercase letters or digits, starting with a letter; got ${JSON.stringify(LAB_NAME)}`);
}
export const LAB_DIR = process.env.ARCHIPELAGO_LAB_DIR ?? (LAB_NAME === 'archlab' ? '/var/lib/archipelago-lab' : `/var/lib/archipelago-lab-${LAB_NAME}`);
/** First three octets of the lab's /24; 172.31.250/24 stays clear of Docker's default pools in practice. */
export const SUBNET_PREFIX = process.env.ARCHIPELAGO_LAB_SUBNET ?? '172.31.250';
if (!/^\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(SUBNET_PREFIX)) {
  throw new Error(`ARCHIPELAGO_LAB_SUBNET must be the first three octets of a /24, such as 172.31.251; got ${JSON.stringify(SUBNET_PREFIX)}`);
}
export const BRIDGE = `${LAB_NAME}0`;
/** Every lab that is up leaves a marker here, so the kernel settings labs share are restored by the last one down. */
export const LABS_UP_DIR = '/run/archipelago-labs';
export const BRIDGE_ADDRESS = `${SUBNET_PREFIX}.1`;
export const DEFAULT_HOSTS = 3;
export const MAX_HOSTS = 20;
export const LAB_KEY = path.join(LAB_DIR, 'lab_key');
export const HOSTS_FILE = path.join(LAB_DIR, 'hosts.json');
export const BOOT_SCRIPT = path.join(import.meta.dirname, 'host-boot.sh');

export interface LabHost {
  index: number;
  name: string;
  netns: string;
  vethRoot: string;
  address: string;
  stateDir: string;
}

export function labHost(index: number): LabHost {
  const name = `h${index}`;
  return {
    index,
    name,
    netns: `${LAB_NAME}-${name}`,
    vethRoot: `${LAB_NAME}-${name}`,
    address: `${SUBNET_PREFIX}.${10 + index}`,
    stateDir: path.join(LAB_DIR, name),
  };
}

export const dockerSocket = (h: LabHost) => path.join(h.stateDir, 'run', 'docker.sock');
