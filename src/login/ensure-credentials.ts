import { readFileSync } from 'node:fs';
import { readAuthConfig } from '../config/auth.config';
import { EnvReader } from '../config/env-reader';
import { readSavedGithubToken } from '../config/saved-token';
import { onlyOwnSeats, readClientKeys } from '../config/settings';
import { login } from './login';

/**
 * With no token configured or saved, a start attached to a terminal runs the login
 * first; without a terminal nothing happens here and configuration validation
 * stops the start with a message naming COPILOT_TOKEN, GITHUB_TOKEN and the login.
 */
export async function ensureCredentials(
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const configured =
    env.COPILOT_TOKEN?.trim() ||
    env.GITHUB_TOKEN?.trim() ||
    readSavedGithubToken(env);
  if (configured || !process.stdin.isTTY || !process.stdout.isTTY) return;
  // Every key on its holder's own seat: the proxy needs no login of its own.
  const auth = readAuthConfig(new EnvReader(env));
  const { keys } = readClientKeys(auth, (path) => readFileSync(path, 'utf8'));
  if (onlyOwnSeats(keys)) return;
  process.stdout.write(
    'No Copilot credentials are configured: starting the GitHub login.\n',
  );
  // An invalid GITHUB_BASE_URL falls back to GitHub; validation names it later.
  await login(new EnvReader(env).url('GITHUB_BASE_URL', 'https://github.com')!);
}
