// One hollow host: the subset of the Docker Engine API the app uses, answered from the world on
// a unix socket (reached through the app's local-socket transport, as a real engine would be).
import http from 'node:http';
import { rm } from 'node:fs/promises';
import type { HollowHost, World } from './world';
import { probeOutput, stdoutFrame } from './exec-probe';

type Filters = Record<string, string[]>;

function filtersOf(url: URL): Filters {
  const raw = url.searchParams.get('filters');
  if (!raw) return {};
  const parsed: unknown = JSON.parse(raw);
  const out: Filters = {};
  // Docker accepts both {"k":["v"]} and {"k":{"v":true}}.
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) out[k] = Array.isArray(v) ? v.map(String) : Object.keys(v as object);
  return out;
}

/** Engine API id filters match prefixes. */
const idMatch = (ids: string[] | undefined, id: string | undefined) => !ids || ids.some((p) => (id ?? '').startsWith(p));
const anyOf = (values: string[] | undefined, v: string | undefined) => !values || values.includes(v ?? '');

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      try {
        resolve(text ? JSON.parse(text) : {});
      } catch {
        resolve({});
      }
    });
  });
}

/** What a request reads, for counting: `GET /tasks`, `GET /containers/json`, `GET /nodes/:id`… */
function requestKind(method: string | undefined, parts: string[]): string {
  const rest = parts.slice(1).map((p) => (p === 'json' || p === 'exec' || p === 'start' ? p : ':id'));
  return [method ?? 'GET', `/${[parts[0] ?? '', ...rest].join('/')}`].join(' ');
}

export async function serveHost(world: World, host: HollowHost, socketPath: string, count: (kind: string) => void = () => {}): Promise<http.Server> {
  const execs = new Map<string, { containerId: string; cmd: string[] }>();
  let execCounter = 0;
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://hollow');
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    const f = filtersOf(url);
    const parts = path.split('/').filter(Boolean);
    count(requestKind(req.method, parts));
    const notFound = () => json(res, 404, { message: `no such object: ${path}` });
    const managerOnly = () => (host.manager ? false : (json(res, 503, { message: 'This node is not a swarm manager.' }), true));
    try {
      if (path === '/_ping') return (res.writeHead(200, { 'Content-Type': 'text/plain' }), res.end('OK'));
      if (path === '/version') return json(res, 200, { Version: '20.10.24', ApiVersion: '1.41', MinAPIVersion: '1.12', Os: 'linux', Arch: 'amd64', KernelVersion: '6.1.0-hollow' });
      if (path === '/info') return json(res, 200, world.info(host));
      if (path === '/events') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        // dockerd answers with its headers at once; Node holds them until the first write.
        res.flushHeaders();
        const off = world.subscribe(host.index, f.type ?? null, (e) => res.write(`${JSON.stringify(e)}\n`));
        req.on('close', off);
        return;
      }
      if (parts[0] === 'containers' && parts[1] === 'json') {
        const all = url.searchParams.get('all') === 'true' || url.searchParams.get('all') === '1';
        const list = [...world.containers[host.index].values()].filter((c) => (all || c.State === 'running') && idMatch(f.id, c.Id));
        return json(res, 200, list);
      }
      if (parts[0] === 'containers' && parts[2] === 'exec' && req.method === 'POST') {
        const body = (await readBody(req)) as { Cmd?: string[] };
        const id = `exec${++execCounter}`;
        execs.set(id, { containerId: parts[1], cmd: body.Cmd ?? [] });
        return json(res, 201, { Id: id });
      }
      if (parts[0] === 'exec' && parts[2] === 'start') {
        const exec = execs.get(parts[1]);
        if (!exec) return notFound();
        res.writeHead(200, { 'Content-Type': 'application/vnd.docker.raw-stream' });
        return res.end(stdoutFrame(probeOutput(world, exec.cmd)));
      }
      if (parts[0] === 'exec' && parts[2] === 'json') return execs.has(parts[1]) ? json(res, 200, { ExitCode: 0, Running: false }) : notFound();
      if (parts[0] === 'images' && parts[1] === 'json') return json(res, 200, [{ Id: 'sha256:hollow', RepoTags: ['lab/web:latest'], Size: 1_000_000 }]);
      if (parts[0] === 'swarm') return managerOnly() || json(res, 200, world.swarm());
      if (parts[0] === 'nodes') {
        if (managerOnly()) return;
        if (parts[1]) return world.nodes.has(parts[1]) ? json(res, 200, world.nodes.get(parts[1])) : notFound();
        return json(res, 200, [...world.nodes.values()].filter((n) => idMatch(f.id, n.ID)));
      }
      if (parts[0] === 'services') {
        if (managerOnly()) return;
        if (parts[1]) {
          const s = world.services.get(parts[1]) ?? [...world.services.values()].find((x) => x.Spec?.Name === parts[1]);
          return s ? json(res, 200, s) : notFound();
        }
        return json(res, 200, [...world.services.values()].filter((s) => idMatch(f.id, s.ID) && anyOf(f.name, s.Spec?.Name)));
      }
      if (parts[0] === 'tasks') {
        if (managerOnly()) return;
        const services = f.service;
        return json(res, 200, [...world.tasks.values()].filter((t) => idMatch(f.id, t.ID) && anyOf(services, t.ServiceID) && anyOf(f.node, t.NodeID)));
      }
      if (parts[0] === 'networks') {
        const swarmScoped = host.manager ? [...world.networks.values()] : [];
        if (parts[1]) {
          const n = world.networks.get(parts[1]) ?? [...world.networks.values()].find((x) => x.Name === parts[1]);
          return n ? json(res, 200, { ...n, Peers: [], Services: {} }) : notFound();
        }
        return json(res, 200, swarmScoped.filter((n) => idMatch(f.id, n.Id) && anyOf(f.scope, n.Scope) && anyOf(f.name, n.Name)));
      }
      return notFound();
    } catch (err) {
      json(res, 500, { message: String(err) });
    }
  });
  await rm(socketPath, { force: true });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return server;
}
