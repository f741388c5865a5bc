// What the swarm holds that a stack deploy needs to know, read from one manager in one go:
// swarm-scoped networks, secrets and configs (to find external ones and ids by name), and the
// services of the stack (or of every stack), found by their com.docker.stack.namespace label.
import { engineApi, type Config, type Network, type Secret, type Service } from '../docker/engine-api';
import type { HostSession } from '../hosts/host-session';
import { STACK_LABEL } from './compose-convert';

export interface SwarmState {
  services: Service[];
  networks: Network[];
  secrets: Secret[];
  configs: Config[];
}

/** `stack` limits services to that stack; without it, services of every stack. */
export async function readSwarmState(session: HostSession, stack?: string): Promise<SwarmState> {
  const label = stack ? `${STACK_LABEL}=${stack}` : STACK_LABEL;
  const [services, networks, secrets, configs] = await session.run((d) =>
    Promise.all([engineApi.services(d, { label: [label] }), engineApi.networks(d, { scope: ['swarm'] }), engineApi.secrets(d), engineApi.configs(d)]),
  );
  return { services, networks, secrets, configs };
}

export const stackOf = (labels: Record<string, string> | undefined) => labels?.[STACK_LABEL];
