// The shapes the engine returns. Plain data: they cross IPC and HTTP as JSON. No secret is
// ever part of them: a host says whether it has one, never what it is.

export type HostStatus =
  | 'idle'
  | 'connecting'
  | 'connected'
  | 'auth-failed'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'unreachable'
  | 'docker-unavailable';

/** How Docker calls reach the engine. */
export type Transport = 'ssh-streamlocal' | 'ssh-dial-stdio' | 'local-socket';

export type AuthView =
  | { kind: 'key'; keyPath: string; hasPassphrase: boolean }
  | { kind: 'agent'; socketPath?: string }
  | { kind: 'password' };

/** Where a host's password or passphrase is: none needed, saved encrypted, in memory, or missing. */
export type SecretState = 'none' | 'saved' | 'memory' | 'missing';

export interface HostKeyView {
  /** Which hop presented it: the host itself, or its ProxyJump host. */
  hop: 'host' | 'jump';
  address: string;
  port: number;
  keyType: string;
  fingerprint: string;
}

export interface ProbeResult {
  engineVersion: string;
  apiVersion: string;
  os: string;
  osType: string;
  arch: string;
  kernelVersion: string;
  /** The node's hostname as Docker reports it (the swarm node name). */
  hostname: string;
  swarm: {
    state: 'inactive' | 'pending' | 'active' | 'error' | 'locked';
    nodeId: string | null;
    isManager: boolean;
  };
  transport: Transport;
  latencyMs: number;
  probedAt: string;
}

interface HostViewBase {
  id: string;
  name: string;
  status: HostStatus;
  /** The last connection problem, in words, when status is not connected. */
  statusDetail?: string;
  /** What to do about it. */
  statusHint?: string;
  transport?: Transport;
  /** A key the host presented that is not trusted yet (status host-key-unknown), or that changed. */
  hostKey?: HostKeyView & { verdict: 'unknown' | 'changed'; knownIn?: string };
  probe?: ProbeResult;
}

export interface SshHostView extends HostViewBase {
  kind: 'ssh';
  address: string;
  port: number;
  user: string;
  auth: AuthView;
  secret: SecretState;
  dockerSocket: string;
  proxyJump?: { address: string; port: number; user?: string };
}

export interface LocalHostView extends HostViewBase {
  kind: 'local';
  socketPath: string;
}

export type HostView = SshHostView | LocalHostView;

export type TestStepName = 'tcp' | 'ssh' | 'auth' | 'docker';
export interface TestStep {
  step: TestStepName;
  ok: boolean;
  ms: number;
  detail: string;
}
export interface ConnectionTest {
  ok: boolean;
  steps: TestStep[];
  transport?: Transport;
  error?: { code: string; message: string; hint?: string };
}

export interface ImportCandidate {
  source: 'ssh-config' | 'docker-context';
  /** The Host alias or context name. */
  label: string;
  /** Ready for hosts:add or hosts:addLocal (no secrets). */
  add: { kind: 'ssh'; input: Record<string, unknown> } | { kind: 'local'; input: Record<string, unknown> };
  /** Something the import could not carry over, in words. */
  note?: string;
  /** An inventory host with the same address and port exists already. */
  duplicateOf?: string;
}

export interface ImportSource {
  /** The file or folder read. */
  path: string;
  found: boolean;
  candidates: ImportCandidate[];
  /** Entries that cannot be imported, each with the reason. */
  skipped: string[];
  error?: string;
}

export interface ImportCandidates {
  sshConfig: ImportSource;
  dockerContexts: ImportSource;
}

export interface AppInfo {
  version: string;
  /** Where passwords and passphrases are kept: encrypted by the OS keychain, or in memory only. */
  secretStorage: 'os-keychain' | 'memory';
  configDir: string;
}
