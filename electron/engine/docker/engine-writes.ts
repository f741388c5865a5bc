// The Engine API calls that change a swarm, typed like the
// reads (engine-api.ts). Updates carry the version read, as the Engine API asks, so a change
// made by someone else in between is refused instead of overwritten.
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { ConfigSpec, Network, NodeSpec, SecretSpec, SwarmSpec } from 'docker-types/generated/1.41';
import type { ServiceSpec as EngineServiceSpec } from './engine-api';

export type { ConfigSpec, NodeSpec, SecretSpec };

/**
 * A body as the Engine API takes it: where the API's document lists the values a string field
 * may have, the daemon takes any string and checks it itself. So a value from a compose file is
 * sent as written, as the CLI sends it, and an unknown one is refused by the daemon.
 */
export type Loose<T> = unknown extends T ? T : T extends string ? string : T extends (infer U)[] ? Loose<U>[] : T extends object ? { [K in keyof T]: Loose<T[K]> } : T;

/** What services:create and services:update send (a spec as read fits too). */
export type ServiceSpec = Loose<EngineServiceSpec>;

/** What networks:create sends: a network's own fields, less those the engine sets. */
export type NetworkCreateRequest = Omit<Network, 'Id' | 'Created' | 'Scope' | 'Containers'> & { CheckDuplicate?: boolean };

const STATUS = { 200: true, 201: true, 204: true, 400: 'bad parameter', 403: 'operation not supported', 404: 'no such object', 409: 'conflict', 500: 'server error', 503: 'node is not part of a swarm' } as const;

function call<T>(d: Docker, method: 'GET' | 'POST' | 'DELETE', path: string, query: Record<string, unknown> = {}, body?: object, isStream = false): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // docker-modem takes the query from _query and the JSON body from _body (POST only).
    d.modem.dial({ path: `${path}?`, method, options: body ? { _query: query, _body: body } : query, statusCodes: STATUS, allowEmpty: true, isStream }, (err, data) => (err ? reject(err) : resolve(data as T)));
  });
}

const at = (kind: string, id: string) => `/${kind}/${encodeURIComponent(id)}`;

export const engineWrites = {
  swarmUpdate: (d: Docker, version: number, spec: SwarmSpec, rotate: { worker: boolean; manager: boolean }) =>
    call<void>(d, 'POST', '/swarm/update', { version, rotateWorkerToken: rotate.worker, rotateManagerToken: rotate.manager }, spec),

  serviceCreate: (d: Docker, spec: ServiceSpec) => call<{ ID?: string; Warning?: string }>(d, 'POST', '/services/create', {}, spec),
  /** `rollback: 'previous'` asks swarm to go back to the service's previous spec (`docker service rollback`). */
  serviceUpdate: (d: Docker, id: string, version: number, spec: ServiceSpec, extra: { rollback?: 'previous' } = {}) => call<{ Warnings?: string[] }>(d, 'POST', `${at('services', id)}/update`, { version, ...extra }, spec),
  serviceRemove: (d: Docker, id: string) => call<void>(d, 'DELETE', at('services', id)),
  /** A service's logs from every task: the multiplexed frames, whole or as a stream. */
  serviceLogs: (d: Docker, id: string, query: { stdout: boolean; stderr: boolean; timestamps: boolean; details: boolean; tail: number }) => call<Buffer | string>(d, 'GET', `${at('services', id)}/logs`, { ...query, follow: false }),
  serviceLogStream: (d: Docker, id: string, query: { stdout: boolean; stderr: boolean; timestamps: boolean; details: boolean; tail: number }) => call<Readable>(d, 'GET', `${at('services', id)}/logs`, { ...query, follow: true }, undefined, true),

  networkCreate: (d: Docker, body: NetworkCreateRequest) => call<{ Id?: string; Warning?: string }>(d, 'POST', '/networks/create', {}, body),
  networkRemove: (d: Docker, id: string) => call<void>(d, 'DELETE', at('networks', id)),

  secretCreate: (d: Docker, spec: SecretSpec) => call<{ ID?: string }>(d, 'POST', '/secrets/create', {}, spec),
  /** The engine takes new labels only: other changes are refused. */
  secretUpdate: (d: Docker, id: string, version: number, spec: SecretSpec) => call<void>(d, 'POST', `${at('secrets', id)}/update`, { version }, spec),
  secretRemove: (d: Docker, id: string) => call<void>(d, 'DELETE', at('secrets', id)),
  configCreate: (d: Docker, spec: ConfigSpec) => call<{ ID?: string }>(d, 'POST', '/configs/create', {}, spec),
  /** The engine takes new labels only: other changes are refused. */
  configUpdate: (d: Docker, id: string, version: number, spec: ConfigSpec) => call<void>(d, 'POST', `${at('configs', id)}/update`, { version }, spec),
  configRemove: (d: Docker, id: string) => call<void>(d, 'DELETE', at('configs', id)),

  nodeUpdate: (d: Docker, id: string, version: number, spec: NodeSpec) => call<void>(d, 'POST', `${at('nodes', id)}/update`, { version }, spec),
  nodeRemove: (d: Docker, id: string, force: boolean) => call<void>(d, 'DELETE', at('nodes', id), { force }),
};
