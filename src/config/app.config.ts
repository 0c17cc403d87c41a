import { ConfigType, registerAs } from '@nestjs/config';
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
    host: env.string('HOST') ?? '127.0.0.1',
    port: env.port('PROXY_PORT', 8080),
    shutdownTimeoutMs: env.integer('SHUTDOWN_TIMEOUT_MS', 25_000),
    logLevel: env.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
  };
}

export const appConfig = registerAs('app', () =>
  readAppConfig(new EnvReader(process.env)),
);
export type AppConfig = ConfigType<typeof appConfig>;
