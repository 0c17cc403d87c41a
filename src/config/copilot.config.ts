import { randomUUID } from 'node:crypto';
import { DEVICE_ID } from './device-id';
import { EnvReader } from './env-reader';

/**
 * The editor fingerprint the proxy presents by default: what the most current
 * public client sends (COPILOT-API.md, "Changes through 2026").
 */
export const DEFAULT_FINGERPRINT = {
  editorVersion: 'vscode/1.124.2',
  chatVersion: '0.52.0',
  apiVersion: '2026-06-01',
} as const;

/** A config value that must match a shape, or a problem naming the variable. */
function shaped(
  env: EnvReader,
  name: string,
  pattern: RegExp,
  example: string,
  fallback: string,
): string {
  const value = env.string(name);
  if (value === undefined) return fallback;
  if (!pattern.test(value)) {
    env.problems.push(`${name} must look like ${example} (got "${value}")`);
    return fallback;
  }
  return value;
}

/**
 * Model calls with an `X-GitHub-Api-Version` before 2025-05-01 are refused
 * since about 2026-02-11 ("the specified API version is no longer supported",
 * COPILOT-QUIRKS G5); 2025-05-01 and 2026-06-01 are both served.
 */
const OLDEST_API_VERSION = '2025-05-01';

function apiVersion(env: EnvReader): string {
  const value = shaped(
    env,
    'COPILOT_API_VERSION',
    /^\d{4}-\d{2}-\d{2}$/,
    '2026-06-01',
    DEFAULT_FINGERPRINT.apiVersion,
  );
  if (value >= OLDEST_API_VERSION) return value;
  env.problems.push(
    `COPILOT_API_VERSION ${value} is refused by Copilot since 2026-02 ("API version is no longer supported"): use ${OLDEST_API_VERSION} or later (default ${DEFAULT_FINGERPRINT.apiVersion})`,
  );
  return DEFAULT_FINGERPRINT.apiVersion;
}

export const DEFAULT_COPILOT_API_BASE_URL =
  'https://api.individual.githubcopilot.com';

/**
 * `savedGithubToken` is the token `npm run login` saved, read by the caller at the
 * boundary (`loadSettings`): this reader only looks at what it is given.
 */
export function readCopilotConfig(
  env: EnvReader,
  savedGithubToken?: string,
  savedDeviceId?: string,
) {
  const copilotToken = env.secret('COPILOT_TOKEN');
  const fromEnv = env.secret('GITHUB_TOKEN');
  if (fromEnv !== undefined && /^(ghp_|github_pat_)/.test(fromEnv)) {
    env.problems.push(
      "GITHUB_TOKEN is a personal access token (ghp_… or github_pat_…): GitHub does not exchange those for Copilot tokens. Run `npm run login` (or use an editor's gho_/ghu_ OAuth token)",
    );
  }
  const githubToken = fromEnv ?? (copilotToken ? undefined : savedGithubToken);
  return {
    copilotToken,
    githubToken,
    /** Where the credential came from, for the start-up line. */
    tokenSource: copilotToken
      ? 'COPILOT_TOKEN'
      : fromEnv
        ? 'GITHUB_TOKEN'
        : savedGithubToken
          ? 'saved login'
          : 'none',
    /**
     * Undefined unless configured or in static mode: the token answer names the
     * host (the proxy's and every seat's).
     */
    apiBaseUrl: env.url(
      'COPILOT_API_BASE_URL',
      copilotToken ? DEFAULT_COPILOT_API_BASE_URL : undefined,
    ),
    githubApiBaseUrl: env.url('GITHUB_API_BASE_URL', 'https://api.github.com')!,
    githubBaseUrl: env.url('GITHUB_BASE_URL', 'https://github.com')!,
    upstreamTimeoutMs: env.integer('UPSTREAM_TIMEOUT_MS', 300_000, 1),
    upstreamIdleTimeoutMs: env.integer('UPSTREAM_IDLE_TIMEOUT_MS', 300_000, 1),
    /** Request-body bytes all requests together may keep for a retry. */
    replayMaxBytes: env.integer('REPLAY_MAX_BYTES', 64 * 1024 * 1024),
    /** The editor fingerprint sent to Copilot (it answers 466 to ones it finds too old). */
    fingerprint: {
      editorVersion: shaped(
        env,
        'COPILOT_EDITOR_VERSION',
        /^[A-Za-z][\w-]*\/\d+(\.\d+){1,3}$/,
        'vscode/1.124.2',
        DEFAULT_FINGERPRINT.editorVersion,
      ),
      chatVersion: shaped(
        env,
        'COPILOT_CHAT_VERSION',
        /^\d+(\.\d+){1,3}$/,
        '0.52.0',
        DEFAULT_FINGERPRINT.chatVersion,
      ),
      apiVersion: apiVersion(env),
    },
    /**
     * `Editor-Device-Id`: `COPILOT_DEVICE_ID`, else the installation's saved id
     * (`loadSettings`), else one for this process.
     */
    deviceId: shaped(
      env,
      'COPILOT_DEVICE_ID',
      DEVICE_ID,
      'a UUID',
      savedDeviceId ?? randomUUID(),
    ),
    /** Send clients' identifying headers (`x-stainless-*`, `User-Agent`, …) upstream. */
    keepClientIdentity: env.boolean('KEEP_CLIENT_IDENTITY', false),
  };
}
export type CopilotConfig = ReturnType<typeof readCopilotConfig>;
