// What the swarm holds that a stack deploy needs to know, read from one manager in one go:
// swarm-scoped networks, secrets and configs (to find external ones and ids by name), and the
// services of the stack (or of every stack), found by their com.docker.stack.namespace label.
import type { HostSession } from '../hosts/host-session';
import { STACK_LABEL } from './compose-convert';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SwarmState {
  services: Any[];
  networks: Any[];
  secrets: Any[];
  configs: Any[];
}

/** `stack` limits services to that stack; without it, services of every stack. */
export async function readSwarmState(session: HostSession, stack?: string): Promise<SwarmState> {
  const label = stack ? `${STACK_LABEL}=${stack}` : STACK_LABEL;
  const [services, networks, secrets, configs] = await session.run((d) =>
    Promise.all([d.listServices({ filters: { label: [label] } }) as Promise<unknown>, d.listNetworks({ filters: { scope: ['swarm'] } }), d.listSecrets(), d.listConfigs()]),
  );
  return { services: services as Any[], networks: networks as Any[], secrets: secrets as Any[], configs: configs as Any[] };
}

export const stackOf = (labels: Record<string, string> | undefined) => labels?.[STACK_LABEL];
