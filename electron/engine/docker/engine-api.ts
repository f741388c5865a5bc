// The Docker Engine API reads the cluster model makes, typed by the Engine API's own OpenAPI
// document (the docker-types package generates these types from it, per API version; our
// oldest engine speaks 1.41). Each call is one GET through the host's dockerode modem, so it
// travels like every other call (SSH channel or local socket) and fails with the same errors.
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { Config, ContainerSummary, EventMessage, HealthConfig, Network, Node, Secret, Service as ApiService, ServiceSpec as ApiServiceSpec, Swarm, SystemInfo, Task, TaskSpec as ApiTaskSpec } from 'docker-types/generated/1.41';

export type { Config, ContainerSummary, EventMessage, Network, Node, Secret, Swarm, SystemInfo };

type ApiContainerSpec = NonNullable<ApiTaskSpec['ContainerSpec']>;
type ApiPrivileges = NonNullable<ApiContainerSpec['Privileges']>;

/**
 * A container spec as the engine has it: its health check is `Healthcheck` (the OpenAPI
 * document spells it HealthCheck), the privileges it has no value for are null (the CLI sends
 * them so too), and newer engines add NoNewPrivileges.
 */
export type ContainerSpec = Omit<ApiContainerSpec, 'HealthCheck' | 'Privileges'> & {
  Healthcheck?: HealthConfig;
  Privileges?: { CredentialSpec?: ApiPrivileges['CredentialSpec'] | null; SELinuxContext?: ApiPrivileges['SELinuxContext'] | null; NoNewPrivileges?: boolean };
};
export type TaskSpec = Omit<ApiTaskSpec, 'ContainerSpec'> & { ContainerSpec?: ContainerSpec };
export type ServiceSpec = Omit<ApiServiceSpec, 'TaskTemplate'> & { TaskTemplate?: TaskSpec };

/** A service as the engine returns it: with the spec before its last update, which the OpenAPI document of 1.41 leaves out. */
export type Service = Omit<ApiService, 'Spec'> & { Spec?: ServiceSpec; PreviousSpec?: ServiceSpec };

/** A task as the engine returns it: with its network attachments, which the OpenAPI document leaves out. */
export type EngineTask = Task & { NetworksAttachments?: { Network?: { ID?: string }; Addresses?: string[] }[] };

/** Engine API filters: each name to the values any of which may match. */
export type Filters = Record<string, string[]>;

const STATUS = { 200: true, 400: 'bad parameter', 404: 'no such object', 500: 'server error', 503: 'node is not part of a swarm' } as const;

// docker-modem appends the query only to a path that ends in '?' (and drops the '?' when there is none).
function get<T>(docker: Docker, path: string, query: Record<string, unknown> = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    docker.modem.dial({ path: `${path}?`, method: 'GET', options: query, statusCodes: STATUS }, (err, data) => (err ? reject(err) : resolve(data as T)));
  });
}

const withFilters = (filters?: Filters) => (filters && Object.keys(filters).length ? { filters } : {});

export const engineApi = {
  info: (d: Docker) => get<SystemInfo>(d, '/info'),
  swarm: (d: Docker) => get<Swarm>(d, '/swarm'),
  nodes: (d: Docker, filters?: Filters) => get<Node[]>(d, '/nodes', withFilters(filters)),
  services: (d: Docker, filters?: Filters) => get<Service[]>(d, '/services', withFilters(filters)),
  tasks: (d: Docker, filters?: Filters) => get<EngineTask[]>(d, '/tasks', withFilters(filters)),
  networks: (d: Docker, filters?: Filters) => get<Network[]>(d, '/networks', withFilters(filters)),
  network: (d: Docker, id: string, verbose = false) => get<Network & NetworkVerbose>(d, `/networks/${encodeURIComponent(id)}`, verbose ? { verbose: true } : {}),
  containers: (d: Docker, filters?: Filters) => get<ContainerSummary[]>(d, '/containers/json', { all: true, ...withFilters(filters) }),
  service: (d: Docker, id: string) => get<Service>(d, `/services/${encodeURIComponent(id)}`),
  secrets: (d: Docker, filters?: Filters) => get<Secret[]>(d, '/secrets', withFilters(filters)),
  configs: (d: Docker, filters?: Filters) => get<Config[]>(d, '/configs', withFilters(filters)),
  node: (d: Docker, id: string) => get<Node>(d, `/nodes/${encodeURIComponent(id)}`),
  /** The engine's event stream (newline-separated JSON), limited to the given filters. */
  events: (d: Docker, filters: Filters) =>
    new Promise<Readable>((resolve, reject) => {
      d.modem.dial({ path: '/events?', method: 'GET', options: withFilters(filters), isStream: true, statusCodes: STATUS }, (err, data) => (err ? reject(err) : resolve(data as Readable)));
    }),
};

/**
 * What a swarm network's inspect adds in verbose mode or on a node where it is instantiated;
 * the OpenAPI document of 1.41 describes neither.
 */
export interface NetworkVerbose {
  Peers?: { Name: string; IP: string }[];
  Services?: Record<string, { VIP?: string; Tasks?: { Name: string; EndpointIP: string; Info?: Record<string, string> }[] }>;
}
