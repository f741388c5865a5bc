// How a browser gets in without the token ever being a process argument: the server hands out a
// short-lived one-time code (what `xdg-open` sees), and the page exchanges it for a session token
// of its own. Codes expire after a minute and work once; session tokens last as long as the server.
import { randomBytes } from 'node:crypto';
import { tokenMatches } from './token';

const CODE_TTL_MS = 60_000;

export class LoginCodes {
  private readonly codes = new Map<string, number>();
  private readonly sessions: string[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** A new one-time code, valid for a minute. */
  issue(): string {
    const code = randomBytes(18).toString('base64url');
    this.codes.set(code, this.now() + CODE_TTL_MS);
    return code;
  }

  /** The code's session token, or null if the code is unknown, used or expired. */
  exchange(code: string): string | null {
    for (const [c, expires] of this.codes) if (expires < this.now()) this.codes.delete(c);
    const match = [...this.codes.keys()].find((c) => tokenMatches(c, code));
    if (!match) return null;
    this.codes.delete(match);
    const session = randomBytes(24).toString('base64url');
    this.sessions.push(session);
    return session;
  }

  isSession(token: string | null | undefined): boolean {
    return this.sessions.some((s) => tokenMatches(s, token));
  }
}
