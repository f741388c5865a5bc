// A compose file as text → plain data, plus a way back from any path in that data to the line
// and column it came from, so every later problem (schema, interpolation, conversion) can point
// at the place to fix. YAML 1.1, as the docker CLI reads it (yaml.v2): `0440` is octal, `yes`
// is true, `<<` merges; but, as there, `22:22` stays a string (no base-60 numbers) and dates
// stay strings.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Tags } from 'yaml';
import type { ComposeProblem } from '../../shared/stacks';

export type ComposePath = (string | number)[];

export interface ComposeDocument {
  data: Record<string, unknown>;
  /** Where the value at `path` (or its key, with `key`) starts; the nearest ancestor that exists in the text otherwise. */
  locate(path: ComposePath, opts?: { key?: boolean }): { line: number; col: number };
  problem(path: ComposePath, message: string, opts?: { key?: boolean; hint?: string }): ComposeProblem;
}

export type ParseOutcome = { ok: true; doc: ComposeDocument } | { ok: false; problems: ComposeProblem[] };

export function pathText(path: ComposePath): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
}

/**
 * yaml.v2 reads YAML 1.1 without its base-60 numbers and timestamps, and a float needs a digit
 * (a lone `.`, as in `build: .`, is a string there).
 */
const GO_FLOAT = /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/;
const asGoYaml = (tags: Tags) =>
  tags
    .filter((t) => typeof t !== 'object' || (!('format' in t && t.format === 'TIME') && !String(t.tag).endsWith(':timestamp')))
    .map((t) => (typeof t === 'object' && String(t.tag).endsWith(':float') && !('format' in t && t.format) && t.test?.source.includes('\\.[0-9_]*$') ? { ...t, test: GO_FLOAT } : t));

export function parseCompose(text: string): ParseOutcome {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, version: '1.1', merge: true, prettyErrors: false, uniqueKeys: true, customTags: asGoYaml });
  if (doc.errors.length) {
    return {
      ok: false,
      problems: doc.errors.slice(0, 5).map((e) => {
        const at = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
        return { message: `YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, line: at.line, col: at.col, hint: 'Fix the YAML syntax here (indentation, a missing colon or quote).' };
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    return { ok: false, problems: [{ message: `YAML: ${(err as Error).message}`, line: 1, col: 1 }] };
  }
  if (data === null || data === undefined) return { ok: false, problems: [{ message: 'the file is empty', line: 1, col: 1, hint: 'Paste a compose file with a services: section.' }] };
  if (typeof data !== 'object' || Array.isArray(data)) return { ok: false, problems: [{ message: 'the top level must be a mapping (services:, networks:, …)', line: 1, col: 1 }] };
  const locate = (path: ComposePath, opts: { key?: boolean } = {}) => positionOf(doc, lines, path, opts.key ?? false);
  return {
    ok: true,
    doc: {
      data: data as Record<string, unknown>,
      locate,
      problem: (path, message, opts = {}) => ({ ...locate(path, opts), path: pathText(path), message: path.length ? `${pathText(path)}: ${message}` : message, ...(opts.hint ? { hint: opts.hint } : {}) }),
    },
  };
}

function positionOf(doc: Document, lines: LineCounter, path: ComposePath, wantKey: boolean): { line: number; col: number } {
  let node: Node | null = doc.contents;
  let keyNode: Node | null = null;
  for (const step of path) {
    let next: Node | null = null;
    keyNode = null;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(step));
      if (pair) {
        next = (pair.value as Node | null) ?? (pair.key as Node);
        keyNode = pair.key as Node;
      }
    } else if (isSeq(node) && typeof step === 'number') {
      next = (node.items[step] as Node | undefined) ?? null;
    }
    if (!next) break;
    node = next;
  }
  const target = wantKey && keyNode ? keyNode : node;
  const offset = target?.range?.[0] ?? 0;
  return lines.linePos(offset);
}
