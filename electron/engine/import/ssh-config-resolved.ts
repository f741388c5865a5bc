// What an SSH config says about one alias, in the form `ssh -G` prints it: tokens in
// IdentityFile left as written (ssh expands them when it loads the keys), ProxyJump as written.

export interface ResolvedSshConfig {
  /** Lower-case, with `%h` expanded, as ssh prints it. */
  hostname: string;
  user: string;
  port: number;
  /** In order; ssh's default list when the config names none. */
  identityFiles: string[];
  /** Whether the config named identity files (else `identityFiles` is ssh's default list). */
  identityFilesSet: boolean;
  proxyJump?: string;
  proxyCommand?: string;
  certificateFiles: string[];
}

export interface SshConfigResolver {
  /** Shown in the import dialog: which implementation read the config. */
  readonly name: 'openssh' | 'builtin';
  readonly description: string;
  resolve(alias: string): Promise<ResolvedSshConfig>;
}

/** OpenSSH 9.x's default IdentityFile list, in the order `ssh -G` prints it. */
export const DEFAULT_IDENTITY_FILES = ['~/.ssh/id_rsa', '~/.ssh/id_ecdsa', '~/.ssh/id_ecdsa_sk', '~/.ssh/id_ed25519', '~/.ssh/id_ed25519_sk', '~/.ssh/id_xmss', '~/.ssh/id_dsa'];
