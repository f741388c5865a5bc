// A compose file's data is parsed YAML: checked against the compose schema, but typed as
// nothing. These read it without claiming more than they check: a mapping's fields come back as
// unknown, to be narrowed where a value is used.

/** A mapping of the compose file: its keys to whatever they hold. */
export type ComposeMap = Record<string, unknown>;

/** The value to read fields from: itself when it is an object (a list too), else an empty mapping (null, absent, a scalar). */
export function asMap(value: unknown): ComposeMap {
  return typeof value === 'object' && value !== null ? (value as ComposeMap) : {};
}

/** A list, or undefined for anything else. */
export function asList(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** A string, or undefined for anything else. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
