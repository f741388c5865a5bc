// Hosts from Docker contexts (~/.docker/contexts/meta/*/meta.json): ssh:// endpoints become
// SSH hosts (resolved through ~/.ssh/config, as the docker CLI's ssh would), unix:// endpoints
// local engines.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import SSHConfig from 'ssh-config';
import { z } from 'zod';
import type { ImportCandidate, ImportSource } from '../../shared/model';
import { hostAddInput, localHostAddInput } from '../../shared/schemas';
import { defaultAuth } from './ssh-config-import';

const meta = z.object({
  Name: z.string(),
  Endpoints: z.object({ docker: z.object({ Host: z.string() }).partial().optional() }).partial().optional(),
});

function sshCandidate(name: string, url: URL, config: SSHConfig | null, env: NodeJS.ProcessEnv): { candidate?: ImportCandidate; skipped?: string } {
  const alias = url.hostname.replace(/^\[|\]$/g, '');
  const c = (config?.compute(alias) ?? {}) as Record<string, string | string[]>;
  const pick = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const identity = pick(c.IdentityFile);
  const input: Record<string, unknown> = {
    name,
    address: pick(c.HostName) ?? alias,
    port: Number(url.port || pick(c.Port) || 22),
    user: decodeURIComponent(url.username) || pick(c.User) || 'root',
    auth: identity ? { kind: 'key', keyPath: identity } : defaultAuth(env),
  };
  const valid = hostAddInput.safeParse(input);
  if (!valid.success) return { skipped: `${name}: ${valid.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` };
  return { candidate: { source: 'docker-context', label: name, add: { kind: 'ssh', input } } };
}

export async function dockerContextCandidates(dockerDir: string, sshConfigText: string | null, env: NodeJS.ProcessEnv = process.env): Promise<ImportSource> {
  const dir = path.join(dockerDir, 'contexts', 'meta');
  const out: ImportSource = { path: dir, found: false, candidates: [], skipped: [] };
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return out;
  }
  out.found = true;
  const config = sshConfigText === null ? null : SSHConfig.parse(sshConfigText);
  for (const entry of entries) {
    let parsed: z.infer<typeof meta>;
    try {
      parsed = meta.parse(JSON.parse(await readFile(path.join(dir, entry, 'meta.json'), 'utf8')));
    } catch (err) {
      out.skipped.push(`${entry}: meta.json unreadable (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    const endpoint = parsed.Endpoints?.docker?.Host;
    if (!endpoint) {
      out.skipped.push(`${parsed.Name}: no Docker endpoint`);
      continue;
    }
    if (endpoint.startsWith('unix://')) {
      const input = { name: parsed.Name, socketPath: endpoint.slice('unix://'.length) };
      if (localHostAddInput.safeParse(input).success) out.candidates.push({ source: 'docker-context', label: parsed.Name, add: { kind: 'local', input } });
      else out.skipped.push(`${parsed.Name}: socket path ${input.socketPath} is not usable`);
    } else if (endpoint.startsWith('ssh://')) {
      const { candidate, skipped } = sshCandidate(parsed.Name, new URL(endpoint), config, env);
      if (candidate) out.candidates.push(candidate);
      if (skipped) out.skipped.push(skipped);
    } else {
      out.skipped.push(`${parsed.Name}: ${endpoint.split('://')[0]}:// endpoints are not supported; reach the host over SSH instead`);
    }
  }
  return out;
}
