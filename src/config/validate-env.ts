import { readAppConfig } from './app.config';
import { isLoopback, readAuthConfig } from './auth.config';
import { readRateLimitConfig } from './rate-limit.config';
import { readCopilotConfig } from './copilot.config';
import { EnvReader } from './env-reader';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigValidationError';
  }
}

export const MISSING_CREDENTIALS =
  'no Copilot credentials: set COPILOT_TOKEN (a Copilot API token) or GITHUB_TOKEN (a GitHub OAuth token), or run `npm run login` once';

/**
 * The one boundary check of the environment: every namespace's reader runs against
 * the same collector, then the rules that span namespaces; all problems are thrown
 * together.
 */
export function validateEnv(
  raw: Record<string, unknown>,
): Record<string, unknown> {
  const env = new EnvReader(raw as Record<string, string | undefined>);
  const app = readAppConfig(env);
  const copilot = readCopilotConfig(env);
  const auth = readAuthConfig(env);
  readRateLimitConfig(env);

  if (copilot.copilotToken && env.string('GITHUB_TOKEN')) {
    env.problems.push(
      'COPILOT_TOKEN and GITHUB_TOKEN are both set: choose one mode',
    );
  } else if (!copilot.copilotToken && !copilot.githubToken) {
    env.problems.push(MISSING_CREDENTIALS);
  }

  // The proxy spends its owner's paid quota: never an open relay by accident.
  if (
    !isLoopback(app.host) &&
    auth.apiKeys.length === 0 &&
    !auth.allowAnonymous
  ) {
    env.problems.push(
      `HOST=${app.host} is reachable from other machines but PROXY_API_KEYS is empty: set PROXY_API_KEYS, or PROXY_ALLOW_ANONYMOUS=true to serve anyone who can reach it`,
    );
  }

  if (env.problems.length > 0) throw new ConfigValidationError(env.problems);
  return raw;
}
