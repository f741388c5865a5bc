// What "probe" reports about a host's engine, from one version and one info call.
import type Docker from 'dockerode';
import type { ProbeResult, Transport } from '../../shared/model';
import { engineApi } from './engine-api';

const SWARM_STATES = ['inactive', 'pending', 'active', 'error', 'locked'] as const;

export async function probeEngine(docker: Docker, transport: Transport): Promise<ProbeResult> {
  const started = performance.now();
  const [version, info] = await Promise.all([docker.version(), engineApi.info(docker)]);
  const latencyMs = Math.round(performance.now() - started);
  const swarm = info.Swarm ?? {};
  const state = SWARM_STATES.find((s) => s === swarm.LocalNodeState) ?? 'inactive';
  return {
    engineVersion: version.Version,
    apiVersion: version.ApiVersion,
    os: info.OperatingSystem ?? '',
    osType: info.OSType ?? '',
    arch: info.Architecture ?? '',
    kernelVersion: info.KernelVersion ?? '',
    hostname: info.Name ?? '',
    swarm: { state, nodeId: swarm.NodeID || null, isManager: Boolean(swarm.ControlAvailable) },
    transport,
    latencyMs,
    probedAt: new Date().toISOString(),
  };
}
