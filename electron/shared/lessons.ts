// The Learn page's tracks and what each one creates on the cluster, shared by the renderer (which
// creates them) and the engine (whose lessons:cleanup removes exactly these), plus the shapes the
// lessons' experiments return.
import type { CliCommand } from './model';

export const TRACKS = ['handson', 'practice', 'tunnel', 'isolation', 'discovery', 'encryption', 'bridge'] as const;
export type TrackId = (typeof TRACKS)[number];

/** Label put on every container and local network a lesson creates, with the track as value. */
export const LESSON_LABEL = 'archipelago.lesson';
/** Label of the short-lived helpers that read a node's tunnels (host PID and network). */
export const HELPER_ROLE = 'lesson-helper';

export interface TrackResources {
  /** Swarm services the track creates (removed first). */
  services: string[];
  /** Overlay networks the track creates (other services are detached from them, then removed). */
  networks: string[];
  /** Per-host bridge networks (labelled) the track creates on single hosts. */
  localNetworks: string[];
}

const none: TrackResources = { services: [], networks: [], localNetworks: [] };

/** The practice exercise's stage, which the tunnel, isolation and discovery lessons build on. */
export const STAGE = { network: 'appnet', services: ['frontend', 'backend'] as const };

export const TRACK_RESOURCES: Record<TrackId, TrackResources> = {
  handson: { ...none, services: ['web'], networks: ['myoverlay'] },
  practice: { ...none, services: [...STAGE.services], networks: [STAGE.network] },
  tunnel: none,
  isolation: { ...none, services: ['isolated'], networks: ['isolated-net'] },
  discovery: none,
  encryption: { ...none, services: ['secure-web'], networks: ['secure-net'] },
  bridge: { services: [], networks: ['learn-overlay'], localNetworks: ['learn-bridge'] },
};

// ---- What the experiments measure -----------------------------------------------------------

export interface VxlanCounters {
  rxBytes: number;
  rxPackets: number;
  txBytes: number;
  txPackets: number;
}

/** A VXLAN device in the overlay's namespace on one node, with its counters as /proc/net/dev gives them. */
export interface TunnelDevice extends VxlanCounters {
  name: string;
}

/** IPsec on a node: ESP security associations and policies, ESP packets carried, packets dropped for want of an SA. */
export interface IpsecReading {
  states?: number;
  policies?: number;
  espPackets?: number;
  /** XfrmOutNoStates from /proc/net/xfrm_stat: packets a policy wanted encrypted, with no SA to do it. */
  outNoStates?: number;
}

export interface TunnelPeer {
  /** Outer destination: the peer node's underlay address (the VXLAN device's forwarding entries). */
  dst: string;
  /** Outer source: this node's address towards that peer (the kernel's route to it). */
  src?: string;
  /** Task MAC addresses reached through that peer. */
  macs: number;
}

export interface TunnelNode {
  hostId: string;
  host: string;
  /** The swarm node's hostname. */
  node?: string;
  /** The overlay's namespace exists here (it is created when a task or container of the network runs on the node). */
  present: boolean;
  /**
   * kernel: read in the overlay's namespace with the node's own iproute2; docker: the node has no
   * iproute2, so the VNI, port and peers are Docker's (counters still come from the kernel).
   */
  source: 'kernel' | 'docker';
  vni?: number;
  udpPort?: number;
  devices: TunnelDevice[];
  peers: TunnelPeer[];
  ipsec?: IpsecReading;
  helperImage?: string;
  error?: string;
}

export interface TunnelReading {
  network: { id: string; name: string; encrypted: boolean; dockerVni?: number };
  nodes: TunnelNode[];
  commands: CliCommand[];
  readAt: string;
}

/** One tick of a tunnel watch on one node. */
export interface TunnelSample {
  watchId: string;
  networkId: string;
  hostId: string;
  /** The host's name (not `host`: event payloads with a `host` field are hosts:status). */
  hostName: string;
  seq: number;
  /** When the node read it, in seconds of the node's uptime. */
  uptime: number;
  devices: TunnelDevice[];
  ipsec?: IpsecReading;
}

export interface LessonProbeResult {
  source: { kind: 'task' | 'container'; name: string; id: string; host: string; node?: string; via: 'exec' | 'helper'; helperImage?: string };
  dns: { name: string; addresses: string[] }[];
  results: { ip: string; tcp?: { result: string; ms?: number; detail: string }; icmp: { result: string; ms?: number; detail: string }; reachable: boolean }[];
  commands: CliCommand[];
}

export interface LessonContainer {
  id: string;
  name: string;
  hostId: string;
  host: string;
  state: string;
  image: string;
  networks: { name: string; ip: string }[];
}

export interface LocalNetworkView {
  found: boolean;
  host: string;
  name: string;
  id?: string;
  driver?: string;
  scope?: string;
  subnet?: string;
  gateway?: string;
  /** The Linux device behind a bridge network (br-<id>). */
  device?: string;
  /** Whether traffic leaving the network is NATed (masquerade), for a bridge. */
  masquerade?: boolean;
  vni?: number;
  containers: { name: string; ip: string }[];
  commands: CliCommand[];
}

export interface CleanupResult {
  removed: string[];
  /** What could not be removed, each with the reason. */
  left: string[];
  commands: CliCommand[];
}
