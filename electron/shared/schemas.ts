// Input schemas shared by the engine (authoritative check) and the renderer (early feedback).
import { z } from 'zod';
import { cidrContainsCidr, cidrContainsIp } from './cidr';
import { TRACKS } from './lessons';

const ipOrHostname = z.union([z.ipv4(), z.ipv6(), z.hostname()]);
// A DNS name made only of numbers and dots would be read as an IPv4 address: 300.1.1.1 is neither.
const looksLikeIPv4 = /^[\d.]+$/;
const isAddress = (v: string) => ipOrHostname.safeParse(v).success && (!looksLikeIPv4.test(v) || z.ipv4().safeParse(v).success);

export const hostId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a host id as returned by hosts:list');

export const hostName = z
  .string()
  .trim()
  .min(1, 'must not be empty: give the host a name you will recognise, e.g. "docker1"')
  .max(64, 'must be at most 64 characters')
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

export const hostAddress = z
  .string()
  .trim()
  .min(1, 'must not be empty: give an IP address or a DNS name')
  .max(253, 'is too long for a host name')
  .refine(isAddress, 'is not a valid IP address or host name (e.g. 192.168.1.10 or docker1.example.com)');

export const port = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be from 1 to 65535')
  .max(65535, 'must be from 1 to 65535');

export const sshUser = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(32, 'must be at most 32 characters')
  .regex(/^[a-zA-Z0-9_][a-zA-Z0-9_.-]*\$?$/, 'is not a valid user name (letters, digits, "_", "-", ".")');

const filePath = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `must not be empty: ${what}`)
    .max(4096, 'is too long')
    .regex(/^[^\u0000-\u001f]+$/, 'must not contain control characters');

export const keyPath = filePath('the path of your private key, e.g. ~/.ssh/id_ed25519');

/**
 * A Docker socket path on the host. It may end up as an argument of `docker system dial-stdio`
 * on the remote shell, so only plain path characters are accepted.
 */
export const socketPath = z
  .string()
  .trim()
  .max(1024, 'is too long')
  .regex(/^\/[A-Za-z0-9._/@+-]*$/, 'must be an absolute path of letters, digits and . _ - / @ + (e.g. /var/run/docker.sock or /run/user/1000/docker.sock)');

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** A password or passphrase: goes to the engine once, is never sent back. */
export const secret = z.string().min(1, 'must not be empty').max(1024, 'is too long');

/** A key file, and optionally more tried after it in order (ssh's several IdentityFiles); one passphrase opens any of them. */
export const keyAuth = z.object({ kind: z.literal('key'), keyPath, moreKeyPaths: z.array(keyPath).max(16, 'must be at most 16 more keys').optional(), passphrase: secret.optional() }).strict();
export const agentAuth = z.object({ kind: z.literal('agent'), socketPath: filePath('the ssh-agent socket').optional() }).strict();
export const passwordAuth = z.object({ kind: z.literal('password'), password: secret.optional() }).strict();
export const sshAuth = z.discriminatedUnion('kind', [keyAuth, agentAuth, passwordAuth], { error: 'must be key, agent or password' });

/**
 * One ProxyJump hop, with its own user and login. Without `auth` it uses the host's key or agent;
 * the host's password is never sent to the jump host, so a password host needs `auth` here.
 */
const jumpHostObject = z.object({ address: hostAddress, port: port.default(22), user: sshUser.optional(), auth: sshAuth.optional() }).strict();
/** In an edit a jump password may be left out: the saved one is kept if the jump endpoint is unchanged. */
export const jumpHostEdit = jumpHostObject;
export const jumpHost = jumpHostObject.superRefine((v, ctx) => {
    if (v.auth?.kind === 'password' && !v.auth.password) ctx.addIssue({ code: 'custom', path: ['auth', 'password'], message: 'is required for password login to the jump host' });
  });

export const sshHostFields = {
  name: hostName,
  address: hostAddress,
  port: port.default(22),
  user: sshUser.default('root'),
  auth: sshAuth,
  dockerSocket: socketPath.default(DEFAULT_DOCKER_SOCKET),
  proxyJump: jumpHost.optional(),
};

export const hostAddInput = z
  .object(sshHostFields)
  .strict()
  .superRefine((v, ctx) => {
    if (v.auth.kind === 'password' && !v.auth.password) {
      ctx.addIssue({ code: 'custom', path: ['auth', 'password'], message: 'is required for password login' });
    }
  });
export const localHostAddInput = z.object({ name: hostName, socketPath: socketPath.default(DEFAULT_DOCKER_SOCKET) }).strict();

/** Edits: every field optional; an omitted password or passphrase keeps the stored one. */
export const hostUpdateInput = z
  .object({
    id: hostId,
    name: hostName.optional(),
    address: hostAddress.optional(),
    port: port.optional(),
    user: sshUser.optional(),
    auth: sshAuth.optional(),
    dockerSocket: socketPath.optional(),
    socketPath: socketPath.optional(),
    proxyJump: jumpHostEdit.nullable().optional(),
  })
  .strict();

export const fingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be a SHA256 fingerprint as ssh-keygen -lf prints it (SHA256:…)');

export const byId = z.object({ id: hostId }).strict();
/** `retiredFingerprint`: for a key of another type than the recorded one, the old key the user confirmed was retired. */
export const trustInput = z.object({ id: hostId, fingerprint, retiredFingerprint: fingerprint.optional() }).strict();
export const noInput = z.object({}).strict();

// ---- Swarm ----------------------------------------------------------------------------------

export const ipAddress = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IP address of the host (e.g. 192.168.1.10)' });
export const cidr = z.union([z.cidrv4(), z.cidrv6()], { error: 'must be a subnet in CIDR form (e.g. 10.20.0.0/16)' });

export const swarmInitInput = z
  .object({
    id: hostId,
    advertiseAddr: ipAddress,
    dataPathAddr: ipAddress.optional(),
    /** VXLAN's UDP port (default 4789), for networks where 4789 is blocked or taken (some hypervisors' own VXLAN). */
    dataPathPort: z.number().int().min(1024, 'must be from 1024 to 49151').max(49151, 'must be from 1024 to 49151').optional(),
    defaultAddrPool: z.array(cidr).min(1).max(16).optional(),
    subnetSize: z.number().int().min(16, 'must be from 16 to 28').max(28, 'must be from 16 to 28').optional(),
  })
  .strict();

export const swarmRole = z.enum(['worker', 'manager'], { error: 'must be worker or manager' });

export const swarmJoinInput = z
  .object({
    managerId: hostId,
    joins: z
      .array(z.object({ id: hostId, role: swarmRole, advertiseAddr: ipAddress.optional() }).strict())
      .min(1, 'must name at least one host to join')
      .max(100, 'must be at most 100 hosts at once'),
  })
  .strict();

export const swarmLeaveInput = z.object({ id: hostId, force: z.boolean().default(false) }).strict();

export const nodeId = z.string().regex(/^[a-z0-9]{25}$/, 'must be a swarm node id (25 letters and digits)');
/** Which swarm to act in, when the inventory holds several (default: the first one found). */
export const swarmRef = z.string().regex(/^[a-z0-9]{25}$/, 'must be a swarm id (25 letters and digits, see cluster:model swarms)');
const labelKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be a label key of letters, digits, ".", "_" and "-"');
const labelValue = z.string().max(256, 'must be at most 256 characters').regex(/^[^\u0000-\u001f]*$/, 'must not contain control characters');

export const nodeUpdateInput = z
  .object({
    nodeId,
    role: swarmRole.optional(),
    availability: z.enum(['active', 'pause', 'drain'], { error: 'must be active, pause or drain' }).optional(),
    addLabels: z.record(labelKey, labelValue).optional(),
    removeLabels: z.array(labelKey).optional(),
  })
  .strict();

export const nodeRemoveInput = z.object({ nodeId, force: z.boolean().default(false) }).strict();
export const rotateTokensInput = z.object({ worker: z.boolean().default(true), manager: z.boolean().default(false) }).strict();

// ---- Networks and services ----------------------------------------------------------------

/** Docker network names: a letter or digit first, then letters, digits, "_", "." or "-". */
export const networkName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(63, 'must be at most 63 characters (a DNS label)')
  // Swarm's own rule for overlay names (a DNS name component), checked here before any call.
  .regex(/^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/, 'may contain only letters, digits, "-" and "_", starting and ending with a letter or digit (no dots or spaces)');

/** Service names become DNS names on the overlay: letters, digits and "-", not at the ends. */
export const serviceName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/, 'may contain only letters, digits and "-", not at the start or end (it becomes a DNS name)');

export const imageRef = z
  .string()
  .trim()
  .min(1, 'must not be empty: e.g. nginx or lab/web')
  .max(512, 'is too long')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._\/:@-]*$/, 'is not an image reference (e.g. nginx:1.27 or registry.example.com/team/app)');

const labels = z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'must be a label key'), z.string().max(256));

export const networkCreateInput = z
  .object({
    name: networkName,
    attachable: z.boolean().default(false),
    encrypted: z.boolean().default(false),
    internal: z.boolean().default(false),
    subnet: z.cidrv4({ error: 'must be an IPv4 subnet like 10.20.0.0/24' }).optional(),
    gateway: z.ipv4({ error: 'must be an IPv4 address' }).optional(),
    ipRange: z.cidrv4({ error: 'must be an IPv4 subnet like 10.20.0.128/25' }).optional(),
    mtu: z.number().int('must be a whole number').min(576, 'must be from 576 to 9000').max(9000, 'must be from 576 to 9000').optional(),
    labels: labels.optional(),
    swarm: swarmRef.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.gateway || v.ipRange) && !v.subnet) ctx.addIssue({ code: 'custom', path: ['subnet'], message: 'is needed when a gateway or IP range is given' });
    if (v.subnet && v.gateway && !cidrContainsIp(v.subnet, v.gateway)) ctx.addIssue({ code: 'custom', path: ['gateway'], message: `must be inside the subnet ${v.subnet}` });
    if (v.subnet && v.ipRange && !cidrContainsCidr(v.subnet, v.ipRange)) ctx.addIssue({ code: 'custom', path: ['ipRange'], message: `must be inside the subnet ${v.subnet}` });
  });

export const networkRef = z.string().trim().min(1, 'must name a network').max(128).regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must be a network name or id');
export const serviceRef = z.string().trim().min(1, 'must name a service').max(128).regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must be a service name or id');
export const byNetwork = z.object({ network: networkRef }).strict();

const replicas = z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').max(1000, 'must be at most 1000');
const envVar = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*=[^\u0000]*$/, 'must be NAME=value');
const argv = z.array(z.string().max(4096).regex(/^[^\u0000]*$/, 'must not contain NUL')).max(100);
const portSpec = z
  .object({ target: port, published: port.optional(), protocol: z.enum(['tcp', 'udp']).default('tcp') })
  .strict();
const constraint = z.string().regex(/^[A-Za-z0-9_.\-]+\s*(==|!=)\s*[^\s]+$/, 'must look like node.role==worker or node.labels.zone!=eu');

export const serviceCreateInput = z
  .object({
    name: serviceName,
    image: imageRef,
    mode: z.enum(['replicated', 'global']).default('replicated'),
    replicas: replicas.default(1),
    networks: z.array(networkRef).max(20).default([]),
    endpointMode: z.enum(['vip', 'dnsrr']).default('vip'),
    ports: z.array(portSpec).max(50).default([]),
    env: z.array(envVar).max(200).default([]),
    command: argv.optional(),
    constraints: z.array(constraint).max(20).default([]),
    swarm: swarmRef.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.endpointMode === 'dnsrr' && v.ports.some((p) => p.published)) {
      ctx.addIssue({ code: 'custom', path: ['ports'], message: 'cannot be published in dnsrr mode (the routing mesh needs a VIP): use vip, or drop the published ports' });
    }
  });

export const serviceScaleInput = z.object({ service: serviceRef, replicas }).strict();
export const serviceUpdateInput = z
  .object({ service: serviceRef, image: imageRef.optional(), env: z.array(envVar).max(200).optional(), command: argv.optional(), endpointMode: z.enum(['vip', 'dnsrr']).optional() })
  .strict();
/** `preview`: only return what would be done (the CLI equivalent), for a confirmation. */
export const serviceNetworkInput = z.object({ service: serviceRef, network: networkRef, preview: z.boolean().default(false) }).strict();
export const byService = z.object({ service: serviceRef }).strict();

export const serviceLogsInput = z
  .object({ service: serviceRef, tail: z.number().int().min(0).max(10_000).default(200), follow: z.boolean().default(false) })
  .strict();
export const streamIdInput = z.object({ streamId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a stream id from services:logs') }).strict();

// ---- Connectivity checks ----------------------------------------------------------------------

const checkTarget = {
  from: serviceRef,
  to: serviceRef,
  /** Default: the target's first published/target port; none: ICMP only. */
  port: port.optional(),
  /** Default: the first overlay both services share. */
  network: networkRef.optional(),
  /** For task images without sh/nc/ping; default: one present on the node. */
  helperImage: imageRef.optional(),
  /** Where small probes pass, also send large ones up to the overlay's MTU (mtu-blackhole); false: small probes only, a quicker check. */
  largePackets: z.boolean().default(true),
};
export const checkRunInput = z.object(checkTarget).strict();
export const checkMatrixInput = z
  .object({
    network: networkRef,
    port: port.optional(),
    helperImage: imageRef.optional(),
    /** Chosen by the caller: each finished pair then arrives as a checks:matrixProgress event carrying it. */
    matrixId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be lowercase letters, digits and dashes (a UUID)').optional(),
  })
  .strict();
export const checkWatchInput = z.object({ ...checkTarget, intervalSec: z.number().int().min(2, 'must be at least 2 seconds').max(3600).default(5) }).strict();
export const watchIdInput = z.object({ watchId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a watch id from checks:watch') }).strict();

// ---- Console ----------------------------------------------------------------------------------

const termSize = { cols: z.number().int().min(10).max(500).default(100), rows: z.number().int().min(5).max(200).default(30) };
const consoleId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a console id from console:open');
export const consoleOpenInput = z.object({ taskId: z.string().regex(/^[a-z0-9]{6,64}$/, 'must be a task id'), ...termSize }).strict();
export const consoleInput = z.object({ consoleId, data: z.string().max(65_536) }).strict();
export const consoleResizeInput = z.object({ consoleId, ...termSize }).strict();
export const consoleCloseInput = z.object({ consoleId }).strict();

/** What `npm run lab -- env` prints: the lab's hosts, with host key fingerprints read from the lab's own files. */
export const labEnvInput = z
  .array(z.object({ name: hostName, address: z.string().min(1), port: z.number().int().min(1).max(65535), user: z.string().min(1), keyPath: z.string().min(1), hostKeyFingerprint: fingerprint }))
  .min(1, 'lists no hosts');

// ---- Learn: the lessons' experiments ------------------------------------------------------------

export const trackId = z.enum(TRACKS, { error: `must be one of the Learn page’s tracks: ${TRACKS.join(', ')}` });
/** Standalone container names: Docker's rule (a letter or digit first, then letters, digits, "_", "." or "-"). */
export const containerName = z.string().trim().min(1, 'must not be empty').max(63, 'must be at most 63 characters').regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'may contain only letters, digits, "_", "." and "-", starting with a letter or digit');
/** A name to look up in the embedded DNS: a service, tasks.<service>, or a task or container name. */
const dnsName = z.string().trim().min(1, 'must not be empty').max(253, 'is too long for a DNS name').regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must be a DNS name (letters, digits, ".", "_" and "-")');
const taskId = z.string().regex(/^[a-z0-9]{6,64}$/, 'must be a task id');

export const tunnelReadInput = z.object({ network: networkRef, ipsec: z.boolean().default(false) }).strict();
export const tunnelWatchInput = z
  .object({ network: networkRef, seconds: z.number().int('must be a whole number').min(5, 'must be at least 5 seconds').max(900, 'must be at most 900 seconds (15 minutes)').default(180), ipsec: z.boolean().default(false) })
  .strict();
export const tunnelWatchStopInput = z.object({ watchId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a watch id from lessons:tunnelWatch') }).strict();

export const lessonProbeInput = z
  .object({
    /** From a task of this service (the taskId given, else its first running task)… */
    from: serviceRef.optional(),
    taskId: taskId.optional(),
    /** …or from this standalone container on this host. */
    hostId: hostId.optional(),
    container: containerName.optional(),
    names: z.array(dnsName).max(50, 'must be at most 50 names').default([]),
    ips: z.array(z.ipv4({ error: 'must be an IPv4 address' })).max(50, 'must be at most 50 addresses').default([]),
    port: port.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.from === !(v.hostId && v.container)) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be given, or else hostId and container (one source, not both)' });
    if (!v.names.length && !v.ips.length) ctx.addIssue({ code: 'custom', path: ['names'], message: 'or ips must name something to look up or probe' });
  });

export const localNetworkCreateInput = z.object({ hostId, name: networkName, lesson: trackId }).strict();
export const lessonContainerRunInput = z.object({ hostId, name: containerName, network: networkRef, lesson: trackId, image: imageRef.optional() }).strict();
export const lessonContainerInspectInput = z.object({ hostId, container: containerName }).strict();
export const lessonNetworkInspectInput = z.object({ hostId, network: networkRef }).strict();
export const lessonCleanupInput = z.object({ track: trackId }).strict();

/** Which hosts to test the swarm's UDP ports between (every ordered pair). */
export const underlayInput = z
  .object({
    hostIds: z.array(hostId).min(2, 'pick at least two hosts').max(20),
    helperImage: imageRef.optional(),
  })
  .strict();
