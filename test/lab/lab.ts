// The lab as a whole: the bridge the hosts share, the lab key pair, and up/down/status/env.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile, readdir, rm } from 'node:fs/promises';
import { BRIDGE, BRIDGE_ADDRESS, DEFAULT_HOSTS, HOSTS_FILE, LAB_DIR, LAB_KEY, labHost, type LabHost } from './config';
import { createHost, destroyHost, hostIsHealthy } from './host';
import { buildImageTarballs } from './images';
import { raiseNeighbourLimits, restoreNeighbourLimits } from './neighbours';
import { netnsIdentity } from './processes';
import { run, succeeds } from './sys';

export interface LabHostEnv {
  name: string;
  address: string;
  port: number;
  user: string;
  keyPath: string;
  hostKeyFingerprint: string;
}

// Docker's own chains make FORWARD drop bridged traffic (LAB-NOTES trap 3): allow ours.
const FORWARD_RULE = ['FORWARD', '-i', BRIDGE, '-o', BRIDGE, '-j', 'ACCEPT'];

export function assertCanRunLab(): void {
  if (process.platform !== 'linux') {
    throw new LabError(`the lab needs Linux (network namespaces, dockerd); this is ${process.platform}. Use your own Docker hosts instead.`);
  }
  if (process.getuid?.() !== 0) {
    throw new LabError('the lab needs root (it creates network namespaces and runs dockerd). Run it with sudo: sudo npm run lab -- up');
  }
  for (const tool of ['/usr/sbin/dockerd', '/usr/sbin/sshd', '/bin/busybox', '/usr/bin/nsenter']) {
    if (!existsSync(tool)) {
      throw new LabError(`${tool} is missing. Install: apt-get install docker.io openssh-server busybox-static iproute2 util-linux`);
    }
  }
}

export class LabError extends Error {}

async function knownHosts(): Promise<LabHost[]> {
  const fromFile = await readFile(HOSTS_FILE, 'utf8').then((t) => JSON.parse(t) as number, () => 0);
  // Also catch hosts left by an interrupted run whose count never reached the file.
  const dirs = existsSync(LAB_DIR) ? (await readdir(LAB_DIR)).filter((d) => /^h\d+$/.test(d)).map((d) => Number(d.slice(1))) : [];
  const max = Math.max(fromFile, ...dirs, 0);
  return Array.from({ length: max }, (_, i) => labHost(i + 1));
}

async function ensureBridge(): Promise<void> {
  if (!(await succeeds('ip', ['link', 'show', BRIDGE]))) {
    await run('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
  }
  const addrs = (await run('ip', ['-br', 'addr', 'show', BRIDGE])).stdout;
  if (!addrs.includes(`${BRIDGE_ADDRESS}/`)) await run('ip', ['addr', 'add', `${BRIDGE_ADDRESS}/24`, 'dev', BRIDGE]);
  await run('ip', ['link', 'set', BRIDGE, 'up']);
  if (!(await succeeds('iptables', ['-w', '-C', ...FORWARD_RULE]))) await run('iptables', ['-w', '-I', ...FORWARD_RULE]);
}

async function ensureLabKey(): Promise<void> {
  await mkdir(LAB_DIR, { recursive: true, mode: 0o755 });
  if (!existsSync(LAB_KEY)) await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'archipelago-lab', '-f', LAB_KEY]);
}

export async function up(count = DEFAULT_HOSTS, log: (line: string) => void = () => {}): Promise<void> {
  assertCanRunLab();
  await ensureLabKey();
  await ensureBridge();
  await raiseNeighbourLimits();
  // Hosts beyond the requested count (from a larger earlier lab) are removed.
  // (their folders too, or status would keep listing them as down hosts of this lab).
  for (const h of await knownHosts()) {
    if (h.index <= count) continue;
    await destroyHost(h);
    await rm(h.stateDir, { recursive: true, force: true });
  }
  const wanted = Array.from({ length: count }, (_, i) => labHost(i + 1));
  const broken: LabHost[] = [];
  for (const h of wanted) {
    if (await hostIsHealthy(h)) log(`${h.name}: already up at ${h.address}`);
    else broken.push(h);
  }
  if (broken.length > 0) {
    const tarballs = await buildImageTarballs();
    // Hosts start in parallel: each waits mostly on its own dockerd.
    await Promise.all(
      broken.map(async (h) => {
        await createHost(h, tarballs);
        log(`${h.name}: up at ${h.address}`);
      }),
    );
  }
  await writeFile(HOSTS_FILE, JSON.stringify(count));
}

export async function down(log: (line: string) => void = () => {}): Promise<void> {
  assertCanRunLab();
  for (const h of await knownHosts()) {
    await destroyHost(h);
    log(`${h.name}: down`);
  }
  while (await succeeds('iptables', ['-w', '-C', ...FORWARD_RULE])) await run('iptables', ['-w', '-D', ...FORWARD_RULE]);
  if (await succeeds('ip', ['link', 'show', BRIDGE])) await run('ip', ['link', 'del', BRIDGE]);
  await restoreNeighbourLimits();
  await rm(HOSTS_FILE, { force: true });
}

export interface HostStatus {
  name: string;
  address: string;
  namespace: boolean;
  healthy: boolean;
}

export async function status(): Promise<HostStatus[]> {
  assertCanRunLab();
  const out: HostStatus[] = [];
  for (const h of await knownHosts()) {
    out.push({ name: h.name, address: h.address, namespace: netnsIdentity(h.netns) !== null, healthy: await hostIsHealthy(h) });
  }
  return out;
}

export async function env(): Promise<LabHostEnv[]> {
  assertCanRunLab();
  const hosts = await knownHosts();
  return Promise.all(
    hosts.map(async (h) => {
      const fp = (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${h.stateDir}/ssh_host_ed25519_key.pub`])).stdout.split(' ')[1];
      return { name: h.name, address: h.address, port: 22, user: 'root', keyPath: LAB_KEY, hostKeyFingerprint: fp };
    }),
  );
}
