// Paths and patterns as OpenSSH matches them. Include expands its paths with glob(3): `*`, `?`
// and `[...]` within one path component, dot files only when the pattern starts with a dot,
// results sorted; no braces, no `**` (a glob library would accept more than ssh does).
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * `*` any run, `?` one character; `[...]` a class only for file globs (ssh's own host and user
 * patterns know `*` and `?` alone). Optionally case-insensitive.
 */
export function wildcardRegExp(pattern: string, ignoreCase: boolean, classes = false): RegExp {
  let body = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') body += '.*';
    else if (c === '?') body += '.';
    else if (c === '[' && classes) {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) body += '\\[';
      else {
        const cls = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        body += `[${cls.startsWith('!') ? `^${cls.slice(1)}` : cls}]`;
        i = end;
      }
    } else body += c.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
}

/**
 * An OpenSSH pattern list (`a,b*,!c`): false if any negated pattern matches, else true if any
 * positive one does. Host names compare case-insensitively, user names exactly.
 */
export function matchPatternList(list: string[], value: string, ignoreCase: boolean): boolean {
  let matched = false;
  for (const pattern of list.flatMap((p) => p.split(','))) {
    if (!pattern) continue;
    if (pattern.startsWith('!')) {
      if (wildcardRegExp(pattern.slice(1), ignoreCase).test(value)) return false;
    } else if (wildcardRegExp(pattern, ignoreCase).test(value)) matched = true;
  }
  return matched;
}

const hasMagic = (s: string) => /[*?[]/.test(s);

/** glob(3) over an absolute pattern: the matching files, sorted; none is an empty list. */
export async function globFiles(pattern: string): Promise<string[]> {
  const parts = pattern.split('/').filter(Boolean);
  let current = ['/'];
  for (const part of parts) {
    const next: string[] = [];
    for (const dir of current) {
      if (!hasMagic(part)) {
        next.push(path.join(dir, part));
        continue;
      }
      const re = wildcardRegExp(part, false, true);
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names.sort()) if ((part.startsWith('.') || !name.startsWith('.')) && re.test(name)) next.push(path.join(dir, name));
    }
    current = next;
  }
  return current;
}
