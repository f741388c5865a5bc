// Two ways to reach the Docker socket through an SSH connection:
// - direct-streamlocal: the server connects a channel to the unix socket (no process spawned);
// - `docker system dial-stdio`: the docker CLI on the host relays stdin/stdout to the socket,
//   for servers that refuse streamlocal (AllowStreamLocalForwarding no). Costs a process a call.
import type { Duplex } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { ApiError } from '../../shared/errors';
import { DEFAULT_DOCKER_SOCKET } from '../../shared/schemas';

export type ChannelOpener = () => Promise<Duplex>;

export interface ChannelError extends Error {
  reason?: number;
}

/**
 * OpenSSH answers "open failed" alike for a session beyond MaxSessions, a refused streamlocal
 * forward and a missing socket, so the message alone says only that the channel was refused.
 */
export function isOpenFailed(err: ChannelError): boolean {
  return /open failed/i.test(err.message);
}

export function streamlocalOpener(ssh: Client, socketPath: string): ChannelOpener {
  return () =>
    new Promise((resolve, reject) => {
      ssh.openssh_forwardOutStreamLocal(socketPath, (err, channel) => (err ? reject(err) : resolve(channel)));
    });
}

/**
 * The command is fixed text; the only variable part is the socket path, which the contract's
 * schema restricts to plain path characters, and which is single-quoted all the same.
 */
export function dialStdioCommand(socketPath: string): string {
  if (socketPath === DEFAULT_DOCKER_SOCKET) return 'docker system dial-stdio';
  if (!/^\/[A-Za-z0-9._/@+-]*$/.test(socketPath)) throw new ApiError('invalid-input', `unsafe socket path ${socketPath}`);
  return `docker --host 'unix://${socketPath}' system dial-stdio`;
}

export function dialStdioOpener(ssh: Client, socketPath: string): ChannelOpener {
  const command = dialStdioCommand(socketPath);
  return () =>
    new Promise((resolve, reject) => {
      ssh.exec(command, (err, channel: ClientChannel) => {
        if (err) return reject(err);
        // What the CLI says on stderr (e.g. "docker: command not found") explains a failed call.
        let stderr = '';
        channel.stderr.on('data', (d: Buffer) => {
          if (stderr.length < 2000) stderr += d.toString();
        });
        channel.on('exit', (code: number | null) => {
          if (code && stderr) channel.emit('error', new Error(`docker system dial-stdio on the host failed: ${stderr.trim()}`));
        });
        resolve(channel);
      });
    });
}
