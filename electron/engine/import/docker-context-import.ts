// Hosts from Docker contexts (~/.docker/contexts/meta/*/meta.json): ssh:// endpoints become
// SSH hosts (resolved through ~/.ssh/config, as the docker CLI's ssh would), unix:// endpoints
// local engines.
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { ImportCandidate, ImportSource } from '../../shared/model';
import { hostAddInput, localHostAddInput } from '../../shared/schemas';
import { BuiltinResolver } from './ssh-config-fallback';
import type { SshConfigResolver } from './ssh-config-resolved';
import { expandIdentityPath } from './ssh-identity';
import { defaultAuth } from './ssh-config-import';

const meta = z.object({
  Name: z.string(),
  Endpoints: z.object({ docker: z.object({ Host: z.string() }).partial().optional() }).partial().optional(),
});

/** As the docker CLI's ssh would: the URL's user and port win over ~/.ssh/config, which fills in the rest. */
async function sshCandidate(name: string, url: URL, resolver: SshConfigResolver | null, env: NodeJS.ProcessEnv): Promise<{ candidate?: ImportCandidate; skipped?: string }> {
  const alias = url.hostname.replace(/^\[|\]$/g, '');
  const r = resolver ? await resolver.resolve(alias).catch(() => null) : null;
  const user = decodeURIComponent(url.username) || r?.user || 'root';
  const port = Number(url.port || r?.port || 22);
  const address = r?.hostname ?? alias;
  const keys = r?.identityFilesSet ? r.identityFiles.map((f) => expandIdentityPath(f, { home: os.homedir(), localUser: os.userInfo().username, hostname: address, alias, user, port })) : [];
  const input: Record<string, unknown> = {
    name,
    address,
    port,
    user,
    auth: keys.length ? { kind: 'key', keyPath: keys[0], ...(keys.length > 1 ? { moreKeyPaths: keys.slice(1) } : {}) } : defaultAuth(env),
  };
  const valid = hostAddInput.safeParse(input);
  if (!valid.success) return { skipped: `${name}: ${valid.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` };
  return { candidate: { source: 'docker-context', label: name, add: { kind: 'ssh', input } } };
}

/** @param sshConfig How ~/.ssh/config resolves aliases (the same resolver as its own import), or its text. */
export async function dockerContextCandidates(dockerDir: string, sshConfig: SshConfigResolver | string | null, env: NodeJS.ProcessEnv = process.env): Promise<ImportSource> {
  const dir = path.join(dockerDir, 'contexts', 'meta');
  const out: ImportSource = { path: dir, found: false, candidates: [], skipped: [] };
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return out;
  }
  out.found = true;
  const resolver = typeof sshConfig === 'string' ? BuiltinResolver.fromText(sshConfig) : sshConfig;
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
      const { candidate, skipped } = await sshCandidate(parsed.Name, new URL(endpoint), resolver, env);
      if (candidate) out.candidates.push(candidate);
      if (skipped) out.skipped.push(skipped);
    } else {
      out.skipped.push(`${parsed.Name}: ${endpoint.split('://')[0]}:// endpoints are not supported; reach the host over SSH instead`);
    }
  }
  return out;
}
