// An SSH config file and the files it includes, read into one flat list of directives in the
// order ssh reads them. The `ssh-config` package tokenizes each file (quotes, `=` separators);
// Include is followed here as OpenSSH does: globs, `~`, paths relative to ~/.ssh (or /etc/ssh
// for the system file), at most 16 levels deep.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import SSHConfig, { type Line } from 'ssh-config';
import { globFiles } from './config-glob';

export interface Directive {
  /** Lower-case keyword. */
  keyword: string;
  args: string[];
  file: string;
  line: number;
  /** Include depth: 0 for the file itself. */
  depth: number;
  /** Opens and closes an included file, so the reader can restore the block state around it. */
  kind: 'option' | 'include-start' | 'include-end';
}

export interface ConfigPaths {
  /** The user's home (ssh uses the passwd entry's, not $HOME). */
  home: string;
  /** Where relative Include paths point: ~/.ssh for the user's config, /etc/ssh for the system's. */
  relativeTo: string;
}

const MAX_DEPTH = 16;

function argsOf(value: Extract<Line, { param: string }>['value']): string[] {
  if (typeof value === 'string') return [value];
  return value.map((v) => v.val);
}

/** ProxyCommand keeps its spacing: the rest of the line, as ssh passes it to the shell. */
function commandOf(value: Extract<Line, { param: string }>['value']): string {
  if (typeof value === 'string') return value;
  return value
    .map((v, i) => `${i ? v.separator : ''}${v.quoted ? `"${v.val}"` : v.val}`)
    .join('')
    .trim();
}

function lineNumbers(text: string, lines: Line[]): number[] {
  // The parser keeps the exact text around each line, so counting newlines gives line numbers.
  const numbers: number[] = [];
  let n = 1;
  const walk = (ls: Line[]) => {
    for (const l of ls) {
      n += (l.before.match(/\n/g) ?? []).length;
      numbers.push(n);
      if ('config' in l) walk(l.config);
      n += (l.after.match(/\n/g) ?? []).length;
    }
  };
  walk(lines);
  return numbers;
}

export function expandIncludePath(p: string, paths: ConfigPaths): string {
  if (p === '~' || p.startsWith('~/')) return path.join(paths.home, p.slice(1));
  return path.isAbsolute(p) ? p : path.join(paths.relativeTo, p);
}

async function readLines(file: string, paths: ConfigPaths, depth: number, out: Directive[], given?: string): Promise<void> {
  const text = given ?? (await readFile(file, 'utf8'));
  const parsed = SSHConfig.parse(text);
  const numbers = lineNumbers(text, parsed);
  let i = 0;
  const walk = async (ls: Line[]) => {
    for (const l of ls) {
      const line = numbers[i++];
      if (l.type !== SSHConfig.DIRECTIVE) continue;
      const keyword = l.param.toLowerCase();
      const args = keyword === 'proxycommand' || keyword === 'localcommand' || keyword === 'knownhostscommand' ? [commandOf(l.value)] : argsOf(l.value);
      out.push({ keyword, args, file, line, depth, kind: 'option' });
      if (keyword === 'include') {
        if (depth >= MAX_DEPTH) throw new Error(`${file} line ${line}: Include nested too deeply`);
        for (const pattern of args) {
          for (const included of await globFiles(expandIncludePath(pattern, paths))) {
            out.push({ keyword: 'include', args: [included], file: included, line: 0, depth: depth + 1, kind: 'include-start' });
            await readLines(included, paths, depth + 1, out).catch((err: NodeJS.ErrnoException) => {
              if (err.code !== 'ENOENT' && err.code !== 'EISDIR') throw err;
            });
            out.push({ keyword: 'include', args: [included], file: included, line: 0, depth: depth + 1, kind: 'include-end' });
          }
        }
      }
      if ('config' in l) await walk(l.config);
    }
  };
  await walk(parsed);
}

/** Every directive of the file (or of `text`, read as that file) and what it includes, in reading order. */
export async function readConfigLines(file: string, paths: ConfigPaths, text?: string): Promise<Directive[]> {
  const out: Directive[] = [];
  await readLines(file, paths, 0, out, text);
  return out;
}

/** Concrete Host aliases (no wildcard, no negation), from the file and every file it includes. */
export function hostAliases(lines: Directive[]): string[] {
  const aliases = lines.filter((d) => d.kind === 'option' && d.keyword === 'host').flatMap((d) => d.args);
  return [...new Set(aliases.filter((a) => a && !/[*?![\]]/.test(a)))];
}

/** Does the config run anything when merely read? `Match exec` does, in ssh -G too. */
export function runsCommands(lines: Directive[]): Directive | undefined {
  return lines.find((d) => d.kind === 'option' && d.keyword === 'match' && d.args.some((a) => /^!?exec$/i.test(a)));
}
