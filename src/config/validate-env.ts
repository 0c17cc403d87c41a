import { readAppConfig } from './app.config';
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
  readAppConfig(env);
  const copilot = readCopilotConfig(env);

  if (copilot.copilotToken && env.string('GITHUB_TOKEN')) {
    env.problems.push(
      'COPILOT_TOKEN and GITHUB_TOKEN are both set: choose one mode',
    );
  } else if (!copilot.copilotToken && !copilot.githubToken) {
    env.problems.push(MISSING_CREDENTIALS);
  }

  if (env.problems.length > 0) throw new ConfigValidationError(env.problems);
  return raw;
}
