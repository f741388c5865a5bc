// The tokens ssh expands in an IdentityFile path when it loads the key (ssh_config(5) TOKENS),
// for the ones an import can know: %% %d %h %i %L %l %n %p %r %u.
import os from 'node:os';

export interface TokenContext {
  /** The user's home (%d, ~). */
  home: string;
  /** The local user name (%u). */
  localUser: string;
  /** The remote host name as resolved (%h). */
  hostname: string;
  /** The alias as typed (%n). */
  alias: string;
  /** The remote user (%r). */
  user: string;
  port: number;
}

export function expandIdentityPath(p: string, ctx: TokenContext): string {
  const local = os.hostname();
  const tokens: Record<string, string> = {
    '%': '%',
    d: ctx.home,
    h: ctx.hostname,
    i: String(process.getuid?.() ?? ''),
    L: local.split('.')[0],
    l: local,
    n: ctx.alias,
    p: String(ctx.port),
    r: ctx.user,
    u: ctx.localUser,
  };
  // A leading ~ stays: it reads better in the form, and the login expands it (ssh-auth.ts).
  return p.replace(/%(.)/g, (all, t: string) => tokens[t] ?? all);
}

/** Tokens left unexpanded (e.g. %C, %k): the import says so instead of guessing. */
export function unexpandedToken(p: string): string | undefined {
  return /%[^%dhiLlnpru]/.exec(p)?.[0];
}
