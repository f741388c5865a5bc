// What the import dialog is told: which reader resolved ~/.ssh/config, what could not be carried
// over, and that listing candidates never runs a command from the config.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshConfigCandidates } from '../../electron/engine/import/ssh-config-import';
import { tempDir } from '../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());
const paths = () => ({ home: dir, relativeTo: path.join(dir, '.ssh') });

describe('import from ~/.ssh/config', () => {
  it('never runs Match exec, not even through ssh -G, and says which reader it used instead', async () => {
    const mark = path.join(dir, 'exec-ran');
    const file = path.join(dir, 'exec.conf');
    await writeFile(file, `Host web\n  HostName 10.0.0.5\nMatch exec "touch ${mark}"\n  User hijacked\n`);
    const res = await sshConfigCandidates(file, {}, { paths: paths() });
    expect(existsSync(mark)).toBe(false);
    expect(res.resolver).toMatchObject({ name: 'builtin', why: expect.stringContaining('Match exec') });
    expect(res.candidates[0].add.input).toMatchObject({ address: '10.0.0.5', user: expect.not.stringMatching('hijacked') });
  });

  it('uses OpenSSH when it is installed, and says so', async () => {
    const file = path.join(dir, 'plain.conf');
    await writeFile(file, 'Host web\n  HostName 10.0.0.6\n');
    const res = await sshConfigCandidates(file, {}, { paths: paths() });
    expect(res.resolver).toMatchObject({ name: 'openssh', description: expect.stringContaining('ssh -G') });
  });

  it('keeps every IdentityFile in order, and names what it cannot carry over', async () => {
    const file = path.join(dir, 'notes.conf');
    await writeFile(
      file,
      ['Host keys', '  HostName 10.0.0.7', '  IdentityFile ~/.ssh/a', '  IdentityFile ~/.ssh/b', '  CertificateFile ~/.ssh/a-cert.pub', 'Host pc', '  HostName 10.0.0.8', '  ProxyCommand nc %h %p', 'Host two', '  HostName 10.0.0.9', '  ProxyJump x,y'].join('\n'),
    );
    for (const resolver of ['auto', 'builtin'] as const) {
      const res = await sshConfigCandidates(file, {}, { resolver, paths: paths() });
      const byLabel = Object.fromEntries(res.candidates.map((c) => [c.label, c]));
      expect(byLabel.keys.add.input, resolver).toMatchObject({ auth: { kind: 'key', keyPath: '~/.ssh/a', moreKeyPaths: ['~/.ssh/b'] } });
      expect(byLabel.keys.note, resolver).toContain('CertificateFile');
      expect(byLabel.pc.note, resolver).toContain('ProxyCommand');
      expect(res.skipped, resolver).toEqual([expect.stringMatching(/^two: ProxyJump with 2 hops/)]);
    }
  });

  it('enumerates aliases from included files', async () => {
    const file = path.join(dir, 'inc.conf');
    await writeFile(path.join(dir, 'inc-a.conf'), 'Host from-a\n  HostName 10.0.1.1\n');
    await writeFile(path.join(dir, 'inc-b.conf'), 'Host from-b\n  HostName 10.0.1.2\n');
    await writeFile(file, `Include ${dir}/inc-*.conf\nHost main\n  HostName 10.0.1.3\n`);
    const res = await sshConfigCandidates(file, {}, { resolver: 'builtin', paths: paths() });
    expect(res.candidates.map((c) => c.label).sort()).toEqual(['from-a', 'from-b', 'main']);
  });
});
