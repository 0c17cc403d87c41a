import type { ConfigService } from '@nestjs/config';
import { readAppConfig } from './app.config';
import { isLoopback, readAuthConfig } from './auth.config';
import { readCopilotConfig } from './copilot.config';
import { EnvReader } from './env-reader';
import { readInspectionConfig } from './inspection.config';
import { readRateLimitConfig } from './rate-limit.config';
import { readSavedGithubToken } from './saved-token';

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

/** Everything the application is configured with, read and validated once. */
export interface Settings {
  app: ReturnType<typeof readAppConfig>;
  copilot: ReturnType<typeof readCopilotConfig>;
  auth: ReturnType<typeof readAuthConfig>;
  rateLimit: ReturnType<typeof readRateLimitConfig>;
  inspection: ReturnType<typeof readInspectionConfig>;
}

/** Typed access to the settings: `config.get('copilot', { infer: true })`. */
export type SettingsService = ConfigService<Settings, true>;

/**
 * The one boundary check of the configuration: every namespace's reader runs
 * against the same collector, then the rules that span namespaces; all problems are
 * thrown together. Pure: the caller passes the saved login token, if any.
 */
export function parseSettings(
  raw: Record<string, string | undefined>,
  savedGithubToken?: string,
): Settings {
  const env = new EnvReader(raw);
  const settings: Settings = {
    app: readAppConfig(env),
    copilot: readCopilotConfig(env, savedGithubToken),
    auth: readAuthConfig(env),
    rateLimit: readRateLimitConfig(env),
    inspection: readInspectionConfig(env),
  };
  const { app, copilot, auth } = settings;

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
  return settings;
}

/** The process's settings: its environment and the token `npm run login` saved. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return parseSettings(env, readSavedGithubToken(env));
}
