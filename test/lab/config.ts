// Where the lab lives and how its hosts are named and addressed.
import path from 'node:path';

export const LAB_DIR = process.env.ARCHIPELAGO_LAB_DIR ?? '/var/lib/archipelago-lab';
/** First three octets of the lab's /24; 172.31.250/24 stays clear of Docker's default pools in practice. */
export const SUBNET_PREFIX = process.env.ARCHIPELAGO_LAB_SUBNET ?? '172.31.250';
export const BRIDGE = 'archlab0';
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
    netns: `archlab-${name}`,
    vethRoot: `archlab-${name}`,
    address: `${SUBNET_PREFIX}.${10 + index}`,
    stateDir: path.join(LAB_DIR, name),
  };
}

export const dockerSocket = (h: LabHost) => path.join(h.stateDir, 'run', 'docker.sock');
