// `${VAR}` substitution in a compose file's values, with the docker CLI's rules
// (cli/compose/template): `$$` is a literal `$`; `$VAR` and `${VAR}`; `${VAR:-default}` when unset
// or empty, `${VAR-default}` when unset; `${VAR:?message}` and `${VAR?message}` fail. Values come
// from the variables given (a .env text) and nothing else: never from this process's environment.
// Then, like the CLI, values that must be numbers or booleans are cast after substitution.
import type { ComposeProblem } from '../../shared/stacks';
import type { ComposeDocument, ComposePath } from './compose-document';

export interface Interpolated {
  data: Record<string, unknown>;
  used: string[];
  defaulted: string[];
  missing: string[];
  problems: ComposeProblem[];
}

// Same pattern as the CLI's template package (case-insensitive names; an unbraced name may carry
// a default too, as there).
const PATTERN = /\$(?:(\$)|([_a-z][_a-z0-9]*(?::?[-?][^}]*)?)|\{([_a-z][_a-z0-9]*(?::?[-?][^}]*)?)\}|())/gi;

class TemplateError extends Error {}

function partition(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + sep.length)];
}

export interface Seen {
  /** Looked up and found. */
  used: Set<string>;
  /** Not given; a default stood in. */
  defaulted: Set<string>;
  /** Not given and no default: replaced by an empty string. */
  missing: Set<string>;
}

/** Substitutes one string; records each variable looked up. The four forms are tried in the CLI's order. */
export function substitute(template: string, vars: ReadonlyMap<string, string>, seen: Seen): string {
  const lookup = (name: string) => {
    if (vars.has(name)) {
      seen.used.add(name);
      return vars.get(name)!;
    }
    return undefined;
  };
  return template.replace(PATTERN, (_all, escaped: string | undefined, named: string | undefined, braced: string | undefined) => {
    if (escaped) return escaped;
    const sub = named || braced;
    if (!sub) throw new TemplateError(`invalid interpolation format: "${template}"; you may need to escape any $ with another $`);
    for (const [sep, fallsBack] of [[':-', (v?: string) => v === undefined || v === ''], ['-', (v?: string) => v === undefined]] as const) {
      if (!sub.includes(sep)) continue;
      const [name, fallback] = partition(sub, sep);
      const value = lookup(name);
      if (!fallsBack(value)) return value!;
      seen.defaulted.add(name);
      return fallback;
    }
    for (const [sep, invalid] of [[':?', (v?: string) => v === undefined || v === ''], ['?', (v?: string) => v === undefined]] as const) {
      if (!sub.includes(sep)) continue;
      const [name, message] = partition(sub, sep);
      const value = lookup(name);
      if (invalid(value)) {
        seen.missing.add(name);
        throw new TemplateError(`required variable ${name} is missing a value${message ? `: ${message}` : ''}`);
      }
      return value!;
    }
    const value = lookup(sub);
    if (value === undefined) seen.missing.add(sub);
    return value ?? '';
  });
}

type Cast = 'int' | 'float' | 'bool';
// Paths whose values the CLI casts after substitution ('*' any key, '[]' any list item).
const CASTS: [string[], Cast][] = [
  [['services', '*', 'configs', '[]', 'mode'], 'int'],
  [['services', '*', 'secrets', '[]', 'mode'], 'int'],
  [['services', '*', 'healthcheck', 'retries'], 'int'],
  [['services', '*', 'healthcheck', 'disable'], 'bool'],
  [['services', '*', 'deploy', 'replicas'], 'int'],
  [['services', '*', 'deploy', 'update_config', 'parallelism'], 'int'],
  [['services', '*', 'deploy', 'update_config', 'max_failure_ratio'], 'float'],
  [['services', '*', 'deploy', 'rollback_config', 'parallelism'], 'int'],
  [['services', '*', 'deploy', 'rollback_config', 'max_failure_ratio'], 'float'],
  [['services', '*', 'deploy', 'restart_policy', 'max_attempts'], 'int'],
  [['services', '*', 'deploy', 'placement', 'max_replicas_per_node'], 'int'],
  [['services', '*', 'ports', '[]', 'target'], 'int'],
  [['services', '*', 'ports', '[]', 'published'], 'int'],
  [['services', '*', 'ulimits', '*'], 'int'],
  [['services', '*', 'ulimits', '*', 'hard'], 'int'],
  [['services', '*', 'ulimits', '*', 'soft'], 'int'],
  [['services', '*', 'privileged'], 'bool'],
  [['services', '*', 'read_only'], 'bool'],
  [['services', '*', 'stdin_open'], 'bool'],
  [['services', '*', 'tty'], 'bool'],
  [['services', '*', 'volumes', '[]', 'read_only'], 'bool'],
  [['services', '*', 'volumes', '[]', 'volume', 'nocopy'], 'bool'],
  [['networks', '*', 'external'], 'bool'],
  [['networks', '*', 'internal'], 'bool'],
  [['networks', '*', 'attachable'], 'bool'],
  [['volumes', '*', 'external'], 'bool'],
  [['secrets', '*', 'external'], 'bool'],
  [['configs', '*', 'external'], 'bool'],
];

function castFor(path: ComposePath): Cast | undefined {
  return CASTS.find(([pattern]) => pattern.length === path.length && pattern.every((p, i) => p === '*' ? typeof path[i] === 'string' : p === '[]' ? typeof path[i] === 'number' : p === path[i]))?.[1];
}

function cast(value: string, kind: Cast): unknown {
  if (kind === 'int') {
    if (!/^[+-]?\d+$/.test(value)) throw new TemplateError(`failed to cast to expected type: "${value}" is not a whole number`);
    return Number(value);
  }
  if (kind === 'float') {
    const n = Number(value);
    if (value.trim() === '' || Number.isNaN(n)) throw new TemplateError(`failed to cast to expected type: "${value}" is not a number`);
    return n;
  }
  const lower = value.toLowerCase();
  if (['y', 'yes', 'true', 'on'].includes(lower)) return true;
  if (['n', 'no', 'false', 'off'].includes(lower)) return false;
  throw new TemplateError(`failed to cast to expected type: invalid boolean: ${value}`);
}

export function interpolate(doc: ComposeDocument, vars: ReadonlyMap<string, string>): Interpolated {
  const seen: Seen = { used: new Set(), defaulted: new Set(), missing: new Set() };
  const problems: ComposeProblem[] = [];
  const walk = (value: unknown, path: ComposePath): unknown => {
    if (typeof value === 'string') {
      try {
        const out = substitute(value, vars, seen);
        if (out === value) return value;
        const kind = castFor(path);
        return kind ? cast(out, kind) : out;
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        problems.push(doc.problem(path, err.message, { hint: err.message.startsWith('required variable') ? 'Give the variable a value in the .env text.' : undefined }));
        return value;
      }
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    return value;
  };
  const data = walk(doc.data, []) as Record<string, unknown>;
  const sorted = (set: Set<string>) => [...set].sort();
  return { data, used: sorted(seen.used), defaulted: sorted(seen.defaulted), missing: sorted(seen.missing), problems };
}
