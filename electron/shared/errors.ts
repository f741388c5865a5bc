// How errors cross every boundary (engine → IPC/HTTP → renderer): a code a program can
// branch on, a message a person can read, and a hint that says what to do next.
export const ERROR_CODES = [
  'invalid-input',
  'unknown-method',
  'unauthorized',
  'not-found',
  'conflict',
  'auth-failed',
  'host-key-unknown',
  'host-key-changed',
  'host-key-other-type',
  'host-key-revoked',
  'unreachable',
  'docker-unavailable',
  'docker-error',
  'timeout',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface WireError {
  code: ErrorCode;
  message: string;
  hint?: string;
  /** For invalid-input: the dotted path of the offending field, e.g. `port`. */
  field?: string;
}

export class ApiError extends Error implements WireError {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly field?: string;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; field?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'ApiError';
    this.code = code;
    this.hint = opts.hint;
    this.field = opts.field;
  }

  toWire(): WireError {
    const wire: WireError = { code: this.code, message: this.message };
    if (this.hint) wire.hint = this.hint;
    if (this.field) wire.field = this.field;
    return wire;
  }

  static fromWire(w: WireError): ApiError {
    return new ApiError(w.code, w.message, { hint: w.hint, field: w.field });
  }
}

/** Anything thrown becomes a WireError; unexpected errors keep their message but not their stack. */
export function toWireError(err: unknown): WireError {
  if (err instanceof ApiError) return err.toWire();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message, hint: 'This is a bug in Archipelago; the log has details.' };
}

export type Envelope<T> = { ok: true; result: T } | { ok: false; error: WireError };
