// Where Archipelago keeps its files: Electron passes userData; elsewhere the XDG location.
import os from 'node:os';
import path from 'node:path';

export function resolveConfigDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return explicit;
  const xdg = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(xdg, 'archipelago');
}
