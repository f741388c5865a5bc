// Turns what the engine holds about a host (record, session, probe, secret) into the view the
// UI gets. This is the one place that decides what leaves the engine: never a secret.
import type { HostView, ProbeResult, SecretState } from '../../shared/model';
import type { HostRecord } from './host-record';
import type { HostSession } from './host-session';

export function hostView(host: HostRecord, session: HostSession | undefined, probe: ProbeResult | undefined, secret: SecretState, jumpSecret: SecretState = 'none'): HostView {
  const live = {
    status: session?.status ?? 'idle',
    statusDetail: session?.detail,
    statusHint: session?.hint,
    transport: session?.transport,
    hostKey: session?.hostKey,
    probe,
  };
  if (host.kind === 'local') return { id: host.id, name: host.name, kind: 'local', socketPath: host.socketPath, ...live };
  return {
    id: host.id,
    name: host.name,
    kind: 'ssh',
    address: host.address,
    port: host.port,
    user: host.user,
    auth: host.auth,
    secret,
    dockerSocket: host.dockerSocket,
    proxyJump: host.proxyJump,
    ...(host.proxyJump ? { jumpSecret } : {}),
    ...live,
  };
}
