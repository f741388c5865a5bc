// The ssh config corpus (test/fixtures/ssh-config/), resolved for every alias by the app's import
// and by OpenSSH itself, `ssh -G -F FILE ALIAS`, the reference implementation: HostName, User,
// Port, the IdentityFile list and ProxyJump must agree, field by field. Then the same corpus
// through the built-in reader used when no ssh is installed (the resolver is injected; ssh stays
// installed), except where a file marks an alias `only-ssh-g`.
// OpenSSH reads `~` and relative Include paths from the passwd home, so it runs in a private
// mount namespace where the corpus's home/ is mounted over it (nothing outside that process sees it).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuiltinResolver } from '../../electron/engine/import/ssh-config-fallback';
import { sshConfigCandidates, pickResolver } from '../../electron/engine/import/ssh-config-import';
import { hostAliases, readConfigLines } from '../../electron/engine/import/ssh-config-lines';
import type { ResolvedSshConfig } from '../../electron/engine/import/ssh-config-resolved';
import { parseSshG } from '../../electron/engine/import/ssh-g-resolver';
import type { ImportCandidate } from '../../electron/shared/model';
import { tempDir } from '../support/temp-dir';

const CORPUS = path.resolve(import.meta.dirname, '../fixtures/ssh-config');
const HOME = path.join(CORPUS, 'home');
const PATHS = { home: os.userInfo().homedir, relativeTo: path.join(os.userInfo().homedir, '.ssh') };
const FILES = (await readdir(CORPUS)).filter((f) => f.endsWith('.conf')).sort();

let ssh: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  ssh = path.join(t.dir, 'ssh');
  // $0 is the corpus home, $1 the passwd home it covers; the rest are ssh's arguments.
  await writeFile(ssh, `#!/bin/sh\nexec unshare --mount --propagation private sh -c 'mount --bind "$0" "$1" && shift && exec /usr/bin/ssh "$@"' '${HOME}' '${PATHS.home}' "$@"\n`);
  await chmod(ssh, 0o755);
});
afterAll(() => cleanup?.());

/** What the corpus file asks for: its aliases (concrete Host names plus `# check:` ones) and the ssh -G-only ones. */
async function plan(file: string): Promise<{ aliases: string[]; concrete: string[]; onlySshG: Map<string, string> }> {
  const text = await readFile(path.join(CORPUS, file), 'utf8');
  // Resolved with the corpus home standing in for ~, as the test's OpenSSH sees it.
  const concrete = hostAliases(await readConfigLines(path.join(CORPUS, file), { home: HOME, relativeTo: path.join(HOME, '.ssh') }));
  const checks = [...text.matchAll(/^# check: (.*)$/gm)].flatMap((m) => m[1].trim().split(/\s+/));
  const onlySshG = new Map([...text.matchAll(/^# only-ssh-g: (\S+) (.*)$/gm)].map((m) => [m[1], m[2]]));
  return { aliases: [...new Set([...concrete, ...checks])], concrete, onlySshG };
}

function oracle(file: string, alias: string): ResolvedSshConfig {
  return parseSshG(execFileSync(ssh, ['-G', '-F', path.join(CORPUS, file), '--', alias], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }));
}

const fields = (r: ResolvedSshConfig) => ({ hostname: r.hostname, user: r.user, port: r.port, identityFiles: r.identityFiles, proxyJump: r.proxyJump ?? null });

/** The jump host as OpenSSH would reach it: the spec's user and port, the rest from its own -G. */
function oracleJump(file: string, spec: string): { address: string; port: number; user: string } {
  const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec)!;
  const hop = oracle(file, m[2].replace(/^\[|\]$/g, ''));
  return { address: hop.hostname, port: Number(m[3] ?? hop.port), user: m[1] ?? hop.user };
}

/** The import's candidate is built from the resolution: same address, port, user, keys, jump. */
function expectCandidateFollows(file: string, c: ImportCandidate, expected: ResolvedSshConfig): void {
  const input = c.add.input as { address: string; port: number; user: string; auth: { kind: string; keyPath?: string; moreKeyPaths?: string[] }; proxyJump?: { address: string; port: number; user?: string } };
  expect({ address: input.address, port: input.port, user: input.user }, `${file} ${c.label}`).toEqual({ address: expected.hostname, port: expected.port, user: expected.user });
  if (expected.identityFilesSet) {
    const keys = [input.auth.keyPath, ...(input.auth.moreKeyPaths ?? [])];
    expect(keys.length, `${file} ${c.label}: one key per IdentityFile`).toBe(expected.identityFiles.length);
  }
  if (expected.proxyJump) expect(input.proxyJump ? { address: input.proxyJump.address, port: input.proxyJump.port, user: input.proxyJump.user } : null, `${file} ${c.label} jump`).toEqual(oracleJump(file, expected.proxyJump));
  else expect(input.proxyJump, `${file} ${c.label} jump`).toBeUndefined();
}

describe('the ssh config corpus', () => {
  it('has at least 20 configs, and OpenSSH is here to be the oracle', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(20);
    expect(existsSync('/usr/bin/ssh')).toBe(true);
  });

  describe.each(FILES)('%s', (file) => {
    it('the import (with OpenSSH installed) agrees with ssh -G for every alias', async () => {
      const { aliases, concrete, onlySshG } = await plan(file);
      const configFile = path.join(CORPUS, file);
      const imported = await sshConfigCandidates(configFile, {}, { ssh, paths: { home: HOME, relativeTo: path.join(HOME, '.ssh') } });
      expect(imported.error, file).toBeUndefined();
      const resolver = await pickResolver(configFile, new BuiltinResolver(configFile, PATHS), { ssh });
      for (const alias of aliases) {
        if (onlySshG.has(alias)) continue; // the app reads this file with the built-in reader: see below
        const expected = oracle(file, alias);
        expect(fields(await resolver.resolve(alias)), `${file} ${alias} (${resolver.name})`).toEqual(fields(expected));
        const c = imported.candidates.find((x) => x.label === alias);
        if (c) {
          expect(fields(c.resolved as ResolvedSshConfig), `${file} ${alias}`).toEqual(fields(expected));
          expectCandidateFollows(file, c, expected);
        } else if (concrete.includes(alias)) {
          // Not imported: only for a reason the dialog shows.
          expect(imported.skipped.find((s) => s.startsWith(`${alias}: `)), `${file} ${alias} neither imported nor skipped`).toBeDefined();
        }
      }
    });

    it('the built-in reader (no ssh) agrees with ssh -G, except where marked', async () => {
      const { aliases, onlySshG } = await plan(file);
      const configFile = path.join(CORPUS, file);
      const imported = await sshConfigCandidates(configFile, {}, { resolver: 'builtin', paths: { home: HOME, relativeTo: path.join(HOME, '.ssh') } });
      expect(imported.resolver?.name).toBe('builtin');
      const builtin = new BuiltinResolver(configFile, { home: HOME, relativeTo: path.join(HOME, '.ssh') });
      for (const alias of aliases) {
        const expected = oracle(file, alias);
        const got = fields(await builtin.resolve(alias));
        if (onlySshG.has(alias)) {
          // Documented difference: show it, so a change in either is seen.
          expect(got, `${file} ${alias}: ${onlySshG.get(alias)}`).not.toEqual(fields(expected));
          continue;
        }
        expect(got, `${file} ${alias}`).toEqual(fields(expected));
        const c = imported.candidates.find((x) => x.label === alias);
        if (c) expect(fields(c.resolved as ResolvedSshConfig), `${file} ${alias}`).toEqual(fields(expected));
      }
    });
  });
});
