// The shapes the engine returns. Plain data: they cross IPC and HTTP as JSON.

export type HostStatus =
  | 'idle'
  | 'connecting'
  | 'connected'
  | 'auth-failed'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'unreachable'
  | 'docker-unavailable';

export interface KeyAuthView {
  kind: 'key';
  keyPath: string;
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
  /** How Docker calls travel to the host's socket over SSH. */
  transport: 'ssh-streamlocal';
  latencyMs: number;
  probedAt: string;
}

export interface HostView {
  id: string;
  name: string;
  address: string;
  port: number;
  user: string;
  auth: KeyAuthView;
  status: HostStatus;
  /** The last connection problem, in words, when status is not connected. */
  statusDetail?: string;
  probe?: ProbeResult;
}
