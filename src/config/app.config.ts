import { EnvReader } from './env-reader';

export const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const;

export function readAppConfig(env: EnvReader) {
  return {
    /** `[::1]` is accepted as written and listened on as `::1`. */
    host: (env.string('HOST') ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1'),
    port: env.port('PROXY_PORT', 8080),
    shutdownTimeoutMs: env.integer('SHUTDOWN_TIMEOUT_MS', 25_000),
    /** Longest pause inside a request body before the request is ended (408). */
    bodyIdleTimeoutMs: env.integer('CLIENT_BODY_TIMEOUT_MS', 30_000, 1),
    logLevel: env.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    /** `pretty` (pino-pretty) by default on a terminal, JSON lines otherwise. */
    logFormat: env.oneOf(
      'LOG_FORMAT',
      ['json', 'pretty'] as const,
      process.stdout.isTTY ? 'pretty' : 'json',
    ),
    /** When set, `/metrics` is served on this port only (not through the proxy port). */
    metricsPort:
      env.string('METRICS_PORT') === undefined
        ? undefined
        : env.port('METRICS_PORT', 0),
  };
}
export type AppConfig = ReturnType<typeof readAppConfig>;
