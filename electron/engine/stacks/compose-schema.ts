// Validation against the Compose Specification's JSON schema (checked in beside this file, with
// its licence), after interpolation as the CLI does it. Each error points at the line and
// column of the offending key or value.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { ComposeProblem } from '../../shared/stacks';
import type { ComposeDocument, ComposePath } from './compose-document';
import composeSpec from './compose-spec/compose-spec.json';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  // The schema names its meta-schema by an URL Ajv does not know by that spelling; it is a
  // plain draft-07 schema, so the meta check is skipped rather than fetched.
  compiled ??= new Ajv({ allErrors: true, strict: false, validateSchema: false }).compile(composeSpec);
  return compiled;
}

function pathOf(instancePath: string): ComposePath {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function describe(e: ErrorObject): { extra?: string; message: string; key?: boolean } {
  switch (e.keyword) {
    case 'additionalProperties':
      return { extra: String(e.params.additionalProperty), message: 'is not a key the compose specification knows here: remove it or check its spelling', key: true };
    case 'required':
      return { message: `is missing the required key ${e.params.missingProperty}` };
    case 'type':
      return { message: `must be ${String(e.params.type).replace(',', ' or ')}` };
    case 'enum':
      return { message: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'pattern':
      return { message: `does not match the expected form (${e.params.pattern})` };
    case 'uniqueItems':
      return { message: `has the same item twice (items ${e.params.j} and ${e.params.i})` };
    default:
      return { message: e.message ?? 'is not valid' };
  }
}

export function validateSchema(doc: ComposeDocument, data: Record<string, unknown>): ComposeProblem[] {
  const validate = validator();
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  // oneOf/anyOf report every branch that failed; the branch errors below them say more, so a
  // combinator's own error is kept only when nothing deeper was said about the same place.
  const specific = errors.filter((e) => !['oneOf', 'anyOf', 'if', 'not'].includes(e.keyword) || !errors.some((o) => o !== e && o.instancePath.startsWith(e.instancePath) && !['oneOf', 'anyOf', 'if', 'not'].includes(o.keyword)));
  const seen = new Set<string>();
  const problems: ComposeProblem[] = [];
  for (const e of specific) {
    const d = describe(e);
    const path = [...pathOf(e.instancePath), ...(d.extra ? [d.extra] : [])];
    const p = doc.problem(path, d.message, { key: d.key });
    const id = `${p.line}:${p.col}:${p.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(p);
  }
  // One place may fail several branches (a string or a mapping…): keep its first few words.
  const byPlace = new Map<string, ComposeProblem[]>();
  for (const p of problems) byPlace.set(p.path ?? '', [...(byPlace.get(p.path ?? '') ?? []), p]);
  return [...byPlace.values()].map((list) => (list.length === 1 ? list[0] : { ...list[0], message: `${list[0].path}: ${list.map((p) => p.message.slice((p.path?.length ?? 0) + 2)).join(', or ')}` })).slice(0, 20);
}
