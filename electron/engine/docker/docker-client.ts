// Builds dockerode clients that talk exactly where we say and nowhere else.
import Docker from 'dockerode';
import type http from 'node:http';

const DOCKER_ENV = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CLIENT_TIMEOUT', 'DOCKER_PATH_PREFIX'];

/**
 * docker-modem reads DOCKER_HOST and friends while it is constructed (and may even read cert
 * files). Those describe the user's local CLI, not the host we chose, so they are hidden for
 * the duration of the (synchronous) constructor.
 */
function withoutDockerEnv<T>(build: () => T): T {
  const saved = DOCKER_ENV.map((name) => [name, process.env[name]] as const);
  for (const name of DOCKER_ENV) delete process.env[name];
  try {
    return build();
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}

/** Docker over our SSH agent. */
export function createDockerClient(agent: http.Agent): Docker {
  return withoutDockerEnv(() => new Docker({ protocol: 'http', host: 'docker', port: 80, agent } as Docker.DockerOptions));
}

/** Docker over a local unix socket. */
export function createLocalDockerClient(socketPath: string): Docker {
  return withoutDockerEnv(() => new Docker({ socketPath }));
}
