// Validation at the contract's edge: nothing reaches a handler (or a remote host) unchecked.
import type { z } from 'zod';
import { ApiError } from './errors';
import { contract, isMethod, type Method, type ParsedInput } from './contract';

/** Messages may quote the bad value: keep them readable (and small) whatever was sent. */
const clip = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function describeIssue(issue: z.core.$ZodIssue): { field: string; message: string } {
  const described = describeRawIssue(issue);
  return { field: clip(described.field, 100), message: clip(described.message) };
}

function describeRawIssue(issue: z.core.$ZodIssue): { field: string; message: string } {
  const field = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return { field: field || issue.keys[0], message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}: remove ${issue.keys.length > 1 ? 'them' : 'it'}` };
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return { field, message: 'is required' };
  return { field, message: issue.message };
}

export function validateInput<M extends Method>(method: M, raw: unknown): ParsedInput<M> {
  const parsed = contract[method].input.safeParse(raw ?? {});
  if (parsed.success) return parsed.data as ParsedInput<M>;
  const first = describeIssue(parsed.error.issues[0]);
  // The first few issues are enough to act on; a flood of them helps nobody.
  const all = parsed.error.issues.slice(0, 5).map(describeIssue);
  const message = all.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ');
  throw new ApiError('invalid-input', message, { field: first.field || undefined, hint: `Correct ${first.field || 'the input'} and try again.` });
}

export function assertMethod(name: unknown): Method {
  if (isMethod(name)) return name;
  throw new ApiError('unknown-method', `no such method: ${String(name).slice(0, 100)}`, { hint: 'See docs/api.md for the methods this version offers.' });
}
