// "Every docker … equivalent is safe to paste": generated arguments (quotes, $, backticks,
// newlines, control and bidi characters, globs, semicolons) go through the shown command and come
// out of a real shell (dash and bash) exactly as they went in, as separate arguments, with
// nothing run. The same through `ssh -J`, whose remote side re-parses one string, as sshd does.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HostRecord } from '../../electron/engine/hosts/host-record';
import { dockerCommand, type CliArg } from '../../electron/engine/swarm/cli-equivalent';
import { quotePowerShell } from '../../electron/engine/swarm/shell-quote';

const direct: HostRecord = { id: 'a', kind: 'ssh', name: 'h1', address: '10.0.0.1', port: 22, user: 'root', auth: { kind: 'agent' }, dockerSocket: '/var/run/docker.sock' };
const viaJump: HostRecord = { ...direct, id: 'b', name: 'h2', address: '10.0.0.2', port: 2222, proxyJump: { address: '10.0.0.9', port: 2200, user: 'hop' } };

// Stand-ins the pasted line calls instead of the real tools: docker prints its arguments one per
// NUL; ssh drops its options and hands the rest to `sh -c` joined by spaces, as sshd does; a
// join-token call prints a token. Nothing else is defined, so any injected command fails loudly.
const PRELUDE = `
docker() { case "$*" in *join-token*) printf 'SWMTKN-1-abc'; return;; esac; for a in "$@"; do printf '%s\\0' "$a"; done; }
ssh() { while [ "$1" != "--" ]; do shift; done; shift; sh -c "$(declare_docker) $*"; }
declare_docker() { printf '%s' 'docker() { for a in "$@"; do printf "%s\\0" "$a"; done; };'; }
`;

function runIn(shell: string, line: string): { argv: string[]; stderr: string; status: number | null } {
  const r = spawnSync(shell, ['-c', `${PRELUDE}\n${line}`], { encoding: 'utf8' });
  return { argv: r.stdout.split('\0').slice(0, -1), stderr: r.stderr, status: r.status };
}

// Anything a user could put in a service's env, command or label, except NUL (no shell passes it).
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom("'", '"', '$(id)', '`id`', '${HOME}', '\\', '\n', 'a;b', '*', '~', '!', '#x', '\u202e', '\u2066', '\u0007', '\r', ' ', '', '-rf', "'\\''", '\u2019'),
).map((s) => s.replace(/\0/g, ''));

/**
 * Runs many shown lines in one shell (spawning one shell per case made the suite take minutes on
 * a busy machine): after each line a marker argument, so each line's arguments come out apart.
 */
function runAllIn(shell: string, lines: string[]): string[][] {
  const script = lines.map((line, i) => `${line}\ndocker __line_done_${i}__`).join('\n');
  const { argv } = runIn(shell, script);
  const out: string[][] = [];
  let current: string[] = [];
  for (const a of argv) {
    if (/^__line_done_\d+__$/.test(a)) (out.push(current), (current = []));
    else current.push(a);
  }
  return out;
}

describe('the commands we show', () => {
  for (const shell of ['dash', 'bash']) {
    it(`pass every argument unchanged through ${shell}, directly and through ssh -J`, () => {
      const cases = fc.sample(fc.array(nasty, { minLength: 1, maxLength: 4 }), 300).map((args) => ['service', 'create', ...args]);
      const shown = cases.map((full) => dockerCommand(direct, full).text);
      const jumped = cases.map((full) => dockerCommand(viaJump, full).text);
      for (const line of jumped) expect(line.startsWith('ssh -J hop@10.0.0.9:2200 -p 2222 root@10.0.0.2 -- ')).toBe(true);
      const directOut = runAllIn(shell, shown);
      const jumpedOut = runAllIn(shell, jumped);
      // On a mismatch, the one case alone (its line, and what the shell made of it) is the report.
      cases.forEach((full, i) => {
        expect({ line: shown[i], argv: directOut[i] }).toEqual({ line: shown[i], argv: ['-H', 'ssh://root@10.0.0.1', ...full] });
        expect({ line: jumped[i], argv: jumpedOut[i] }).toEqual({ line: jumped[i], argv: full });
      });
    });
  }

  it('runs a join-token substitution where it is pasted, never on the remote host', () => {
    const token: CliArg = { output: { host: direct, args: ['swarm', 'join-token', '-q', 'worker'] } };
    const shown = dockerCommand(viaJump, ['swarm', 'join', '--token', token, '10.0.0.1:2377']);
    expect(shown.text).toBe(`ssh -J hop@10.0.0.9:2200 -p 2222 root@10.0.0.2 -- 'docker swarm join --token '"$(docker -H ssh://root@10.0.0.1 swarm join-token -q worker)"' 10.0.0.1:2377'`);
    expect(runIn('dash', shown.text).argv).toEqual(['swarm', 'join', '--token', 'SWMTKN-1-abc', '10.0.0.1:2377']);
    expect(shown.powershell).toBe(`ssh -J hop@10.0.0.9:2200 -p 2222 root@10.0.0.2 -- ('docker swarm join --token ' + $(docker -H ssh://root@10.0.0.1 swarm join-token -q worker) + ' 10.0.0.1:2377')`);
    const plain = dockerCommand(viaJump.kind === 'ssh' ? { ...viaJump, proxyJump: undefined } : viaJump, ['swarm', 'join', '--token', token, '10.0.0.1:2377']);
    expect(plain.text).toBe(`docker -H ssh://root@10.0.0.2:2222 swarm join --token "$(docker -H ssh://root@10.0.0.1 swarm join-token -q worker)" 10.0.0.1:2377`);
  });

  it('quotes for PowerShell: single quotes doubled, nothing expanded', () => {
    expect(quotePowerShell("it's $HOME `n")).toBe("'it''s $HOME `n'");
    expect(quotePowerShell('plain-1.2')).toBe('plain-1.2');
    expect(quotePowerShell('@splat')).toBe("'@splat'");
    expect(quotePowerShell('a,b')).toBe("'a,b'");
    expect(quotePowerShell('x\u2019y')).toBe("'x\u2019\u2019y'");
    expect(dockerCommand(direct, ['service', 'create', '--env', 'A=$(id)']).powershell).toBe("docker -H ssh://root@10.0.0.1 service create --env 'A=$(id)'");
  });

  it('brackets an IPv6 address in the host URL (quoted: [ ] are glob characters to sh)', () => {
    expect(dockerCommand({ ...direct, address: 'fd00::5', port: 2200 } as HostRecord, ['info']).text).toBe("docker -H 'ssh://root@[fd00::5]:2200' info");
  });
});
