import type { ConfigService } from '@nestjs/config';
import { readFileSync } from 'node:fs';
import { buildClientKeys, ClientKey } from '../auth/client-keys';
import { readAppConfig } from './app.config';
import { isLoopback, readAuthConfig } from './auth.config';
import { readCopilotConfig } from './copilot.config';
import { EnvReader } from './env-reader';
import { readCacheConfig } from './cache.config';
import { readInspectionConfig } from './inspection.config';
import { readRateLimitConfig } from './rate-limit.config';
import { readSavedGithubToken } from './saved-token';
import { readOrCreateDeviceId } from './device-id';
import { readUsageConfig } from './usage.config';
import { readBridgeConfig } from './bridge.config';
import { readSeatsConfig } from './seats.config';
import { readCompatConfig } from './compat.config';
import { readTracingConfig } from './tracing.config';

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
  auth: ReturnType<typeof readAuthConfig> & {
    /** `PROXY_API_KEYS` and the keys file's entries; empty means keys are off. */
    clientKeys: ClientKey[];
  };
  rateLimit: ReturnType<typeof readRateLimitConfig>;
  inspection: ReturnType<typeof readInspectionConfig>;
  cache: ReturnType<typeof readCacheConfig>;
  usage: ReturnType<typeof readUsageConfig>;
  bridge: ReturnType<typeof readBridgeConfig>;
  seats: ReturnType<typeof readSeatsConfig>;
  compat: ReturnType<typeof readCompatConfig>;
  tracing: ReturnType<typeof readTracingConfig>;
}

/** Typed access to the settings: `config.get('copilot', { infer: true })`. */
export type SettingsService = ConfigService<Settings, true>;

/** What the configuration names outside the environment, read by the caller. */
export interface SettingsInputs {
  /** The token `npm run login` saved. */
  savedGithubToken?: string;
  /** This installation's saved `Editor-Device-Id`. */
  savedDeviceId?: string;
  /** Reads `PROXY_KEYS_FILE`; throws when it cannot. */
  readFile?: (path: string) => string;
}

/** Reads the keys file and builds the client keys, collecting the problems. */
export function readClientKeys(
  auth: ReturnType<typeof readAuthConfig>,
  readFile: (path: string) => string,
): { keys: ClientKey[]; problems: string[] } {
  let file: { path: string; text: string } | undefined;
  if (auth.keysFile !== undefined) {
    try {
      file = { path: auth.keysFile, text: readFile(auth.keysFile) };
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      return {
        keys: [],
        problems: [
          `PROXY_KEYS_FILE (${auth.keysFile}) cannot be read (${code})`,
        ],
      };
    }
  }
  return buildClientKeys(auth.apiKeys, file);
}

/**
 * The one boundary check of the configuration: every namespace's reader runs
 * against the same collector, then the rules that span namespaces; all problems are
 * thrown together. Pure but for what `inputs` reads.
 */
export function parseSettings(
  raw: Record<string, string | undefined>,
  inputs: SettingsInputs = {},
): Settings {
  const env = new EnvReader(raw);
  const authConfig = readAuthConfig(env);
  const clientKeys = readClientKeys(
    authConfig,
    inputs.readFile ?? ((path) => readFileSync(path, 'utf8')),
  );
  env.problems.push(...clientKeys.problems);
  const settings: Settings = {
    app: readAppConfig(env),
    copilot: readCopilotConfig(
      env,
      inputs.savedGithubToken,
      inputs.savedDeviceId,
    ),
    auth: { ...authConfig, clientKeys: clientKeys.keys },
    rateLimit: readRateLimitConfig(env),
    inspection: readInspectionConfig(env),
    cache: readCacheConfig(env),
    usage: readUsageConfig(env),
    bridge: readBridgeConfig(env),
    seats: readSeatsConfig(env, clientKeys.keys),
    compat: readCompatConfig(env),
    tracing: readTracingConfig(env),
  };
  const { app, copilot, auth } = settings;

  if (copilot.copilotToken && env.string('GITHUB_TOKEN')) {
    env.problems.push(
      'COPILOT_TOKEN and GITHUB_TOKEN are both set: choose one mode',
    );
  } else if (
    !copilot.copilotToken &&
    !copilot.githubToken &&
    !onlyOwnSeats(auth.clientKeys)
  ) {
    env.problems.push(MISSING_CREDENTIALS);
  }

  // The proxy spends its owner's paid quota: never an open relay by accident.
  if (
    !isLoopback(app.host) &&
    auth.clientKeys.length === 0 &&
    !auth.allowAnonymous
  ) {
    env.problems.push(
      `HOST=${app.host} is reachable from other machines but no client key is configured: set PROXY_API_KEYS or PROXY_KEYS_FILE, or PROXY_ALLOW_ANONYMOUS=true to serve anyone who can reach it`,
    );
  }

  if (env.problems.length > 0) throw new ConfigValidationError(env.problems);
  return settings;
}

/** Every key uses its holder's own seat: the proxy needs no login of its own. */
export function onlyOwnSeats(keys: readonly ClientKey[]): boolean {
  return keys.length > 0 && keys.every((key) => key.seat === 'own');
}

/** The process's settings: its environment, the token `npm run login` saved and the device id. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return parseSettings(env, {
    savedGithubToken: readSavedGithubToken(env),
    savedDeviceId: env.COPILOT_DEVICE_ID
      ? undefined
      : readOrCreateDeviceId(env),
  });
}
