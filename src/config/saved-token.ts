import { mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$XDG_CONFIG_HOME/copilot-proxy` or `~/.config/copilot-proxy`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.trim() || join(homedir(), '.config');
  return join(base, 'copilot-proxy');
}

export function savedTokenPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'github-token');
}

export function readSavedGithubToken(
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  try {
    const token = readFileSync(savedTokenPath(env), 'utf8').trim();
    return token.length > 0 ? token : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the token readable by its owner only (directory 0700, file 0600). */
export function saveGithubToken(
  token: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = savedTokenPath(env);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
