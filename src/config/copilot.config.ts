import { ConfigType, registerAs } from '@nestjs/config';
import { EnvReader } from './env-reader';
import { readSavedGithubToken } from './saved-token';

export const DEFAULT_COPILOT_API_BASE_URL =
  'https://api.individual.githubcopilot.com';

export function readCopilotConfig(env: EnvReader) {
  const copilotToken = env.secret('COPILOT_TOKEN');
  const githubToken =
    env.secret('GITHUB_TOKEN') ??
    (copilotToken ? undefined : readSavedGithubToken());
  return {
    copilotToken,
    githubToken,
    /** Undefined in dynamic mode when not configured: the token answer names the host. */
    apiBaseUrl: env.url(
      'COPILOT_API_BASE_URL',
      githubToken && !copilotToken ? undefined : DEFAULT_COPILOT_API_BASE_URL,
    ),
    githubApiBaseUrl: env.url('GITHUB_API_BASE_URL', 'https://api.github.com')!,
    githubBaseUrl: env.url('GITHUB_BASE_URL', 'https://github.com')!,
    upstreamTimeoutMs: env.integer('UPSTREAM_TIMEOUT_MS', 300_000, 1),
    upstreamIdleTimeoutMs: env.integer('UPSTREAM_IDLE_TIMEOUT_MS', 300_000, 1),
  };
}

export const copilotConfig = registerAs('copilot', () =>
  readCopilotConfig(new EnvReader(process.env)),
);
export type CopilotConfig = ConfigType<typeof copilotConfig>;
