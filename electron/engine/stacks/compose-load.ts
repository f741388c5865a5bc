// One entry point from compose text to swarm specs: parse (YAML 1.1, with positions),
// interpolate from the .env text, validate against the compose specification, convert as the
// CLI does. Everything here is local: a bad file is caught before any remote call.
import type { ComposeCheck, ComposeProblem, ComposeVariables } from '../../shared/stacks';
import { parseCompose } from './compose-document';
import { parseDotEnv } from './compose-env';
import { interpolate } from './compose-interpolate';
import { validateSchema } from './compose-schema';
import { convertStack, type ConvertedStack } from './compose-convert';

export interface ComposeSource {
  compose: string;
  /** The text of a .env file: the only source of ${VAR} values. */
  env?: string;
  /** Texts of the files the compose file names (env_file, secrets' and configs' file), by path. */
  files?: Record<string, string>;
}

export interface LoadedStack {
  check: ComposeCheck;
  /** Present when the check found no problem. */
  converted?: ConvertedStack;
}

const noVariables: ComposeVariables = { used: [], defaulted: [], missing: [] };

export function loadStack(stack: string, source: ComposeSource): LoadedStack {
  const fail = (problems: ComposeProblem[], variables = noVariables, services: string[] = []): LoadedStack => ({ check: { ok: false, problems, warnings: [], variables, services } });
  const parsed = parseCompose(source.compose);
  if (!parsed.ok) return fail(parsed.problems);
  const { doc } = parsed;
  const env = parseDotEnv(source.env ?? '');
  if (env.problems.length) return fail(env.problems.map((p) => ({ message: p.message, line: 1, col: 1, path: '.env', hint: 'Fix the .env text.' })));
  const interpolated = interpolate(doc, env.vars);
  const variables: ComposeVariables = { used: interpolated.used, defaulted: interpolated.defaulted, missing: interpolated.missing };
  const services = Object.keys((interpolated.data.services ?? {}) as object);
  if (interpolated.problems.length) return fail(interpolated.problems, variables, services);
  const schemaProblems = validateSchema(doc, interpolated.data);
  if (schemaProblems.length) return fail(schemaProblems, variables, services);
  if (!services.length) return fail([doc.problem([], 'the file defines no service', { hint: 'Add a services: section with at least one service.' })], variables);
  const converted = convertStack({ stack, doc, data: interpolated.data, vars: env.vars, files: new Map(Object.entries(source.files ?? {})) });
  const problems = converted.problems.sort((a, b) => a.line - b.line || a.col - b.col);
  return { check: { ok: problems.length === 0, problems, warnings: converted.warnings, variables, services }, converted: problems.length ? undefined : converted };
}
