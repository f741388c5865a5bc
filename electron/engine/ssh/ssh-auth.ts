// How one hop logs in: the attempts to make, in order, as ssh would make them. Every key file is
// read and opened first, so a wrong path or passphrase is named before any network traffic; a
// list of keys (ssh's several IdentityFiles) is tried in order, skipping files that are missing.
// A password goes out as `password`, then at most once more as the answer to a
// keyboard-interactive prompt that asks for a password, never to any other question.
import os from 'node:os';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import ssh2, { type AnyAuthMethod, type AuthenticationType, type AuthHandlerMiddleware, type NextAuthHandler } from 'ssh2';
import { ApiError } from '../../shared/errors';
import type { StoredAuth } from '../hosts/host-record';

const { utils } = ssh2;

export function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

type Attempt = { type: 'publickey'; key: Buffer; passphrase?: string } | { type: 'agent'; agent: string } | { type: 'password'; password: string } | { type: 'keyboard-interactive'; password: string };

export interface AuthPlan {
  attempts: Attempt[];
  /** Where the plan's secret field lives in the host form, for errors. */
  field: string;
}

/** Reads and opens the keys. Several: missing or unopenable ones are skipped; none left is an error naming the first. */
async function keyAttempts(auth: Extract<StoredAuth, { kind: 'key' }>, secret: string | undefined, field: string): Promise<Attempt[]> {
  const files = [auth.keyPath, ...(auth.moreKeyPaths ?? [])].map(expandHome);
  const attempts: Attempt[] = [];
  let firstProblem: ApiError | undefined;
  for (const file of files) {
    const problem = await openKey(file, secret, field).then(
      (key) => (attempts.push({ type: 'publickey', key, passphrase: secret }), undefined),
      (err: ApiError) => err,
    );
    firstProblem ??= problem;
  }
  if (!attempts.length) throw firstProblem!;
  return attempts;
}

async function openKey(file: string, secret: string | undefined, field: string): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ApiError('auth-failed', `cannot read the private key ${file} (${code})`, {
      field: `${field}.keyPath`,
      hint: code === 'ENOENT' ? 'Check the path; keys usually live in ~/.ssh/.' : 'Check that this user may read the file.',
    });
  }
  const parsed = utils.parseKey(data, secret);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    if (encrypted && !secret) {
      throw new ApiError('auth-failed', `the private key ${file} is protected by a passphrase`, { field: `${field}.passphrase`, hint: 'Edit the host and enter the key’s passphrase.' });
    }
    throw new ApiError('auth-failed', encrypted ? `the passphrase for ${file} is wrong` : `${file} is not a private key ssh can use (${parsed.message})`, {
      field: encrypted ? `${field}.passphrase` : `${field}.keyPath`,
      hint: encrypted ? 'Edit the host and enter the passphrase again.' : 'Point to the private key (not the .pub file).',
    });
  }
  return data;
}

/** @param field `auth` for the host, `proxyJump.auth` for the jump hop: where the form shows the problem. */
export async function authPlan(auth: StoredAuth, secret: string | undefined, field = 'auth'): Promise<AuthPlan> {
  switch (auth.kind) {
    case 'key':
      return { attempts: await keyAttempts(auth, secret, field), field };
    case 'agent': {
      const agent = auth.socketPath ?? process.env.SSH_AUTH_SOCK;
      if (!agent) throw new ApiError('auth-failed', 'no ssh-agent to ask: SSH_AUTH_SOCK is not set where Archipelago runs', { hint: 'Start ssh-agent and ssh-add your key before starting Archipelago, or use a key file.' });
      return { attempts: [{ type: 'agent', agent: expandHome(agent) }], field };
    }
    case 'password':
      if (!secret) {
        throw new ApiError('auth-failed', `${field === 'auth' ? 'this host' : 'the jump host'} logs in with a password, and Archipelago does not have it (none given, or it was given for another address, user or jump host)`, {
          field: `${field}.password`,
          hint: 'Edit the host and enter the password. In browser mode passwords are kept in memory only, so they are asked again after a restart.',
        });
      }
      return { attempts: [{ type: 'password', password: secret }, { type: 'keyboard-interactive', password: secret }], field };
  }
}

/** A prompt that asks for the password (and not, say, a one-time code), typed without echo. */
export function asksForPassword(prompt: { prompt: string; echo?: boolean }): boolean {
  return prompt.echo !== true && /pass(word|phrase)?\s*(for [^:]*)?:?\s*$/i.test(prompt.prompt.trim()) && !/(code|token|otp|verification|pin)\b/i.test(prompt.prompt);
}

/** ssh2's authHandler for a plan: each attempt once, in order, skipping methods the server does not offer. */
export function authHandler(plan: AuthPlan, username: string): AuthHandlerMiddleware {
  let next = 0;
  let answered = false;
  const wire = (a: Attempt): AnyAuthMethod => {
    switch (a.type) {
      case 'publickey':
        return { type: 'publickey', username, key: a.key, passphrase: a.passphrase };
      case 'agent':
        return { type: 'agent', username, agent: a.agent };
      case 'password':
        return { type: 'password', username, password: a.password };
      case 'keyboard-interactive':
        return {
          type: 'keyboard-interactive',
          username,
          prompt: (_name, _instructions, _lang, prompts, finish) => {
            // One password prompt, answered once. Anything else gets no answer at all.
            if (!answered && prompts.length === 1 && asksForPassword(prompts[0])) {
              answered = true;
              return finish([a.password]);
            }
            finish([]);
          },
        };
    }
  };
  // ssh2 passes null before the server has named its methods (the first call).
  const offered = (a: Attempt, methods: AuthenticationType[] | null) => !methods || methods.includes(a.type === 'agent' ? 'publickey' : a.type);
  return (methodsLeft: AuthenticationType[] | null, _partial: boolean | null, callback: NextAuthHandler) => {
    while (next < plan.attempts.length && !offered(plan.attempts[next], methodsLeft)) next++;
    // false ends the login: ssh2 then fails with "All configured authentication methods failed".
    // ssh2 takes false here; its typings (NextAuthHandler) leave it out.
    if (next >= plan.attempts.length) return (callback as (method: AuthenticationType | AnyAuthMethod | false) => void)(false);
    callback(wire(plan.attempts[next++]));
  };
}
