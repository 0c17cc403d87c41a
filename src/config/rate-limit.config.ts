import { EnvReader } from './env-reader';

export function readRateLimitConfig(env: EnvReader) {
  const redisUrl = env.string('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\/.+/.test(redisUrl)) {
    env.problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  }
  return {
    /** Requests per window per client; 0 turns limiting off. */
    max: env.integer('RATE_LIMIT_MAX', 0),
    windowMs: env.integer('RATE_LIMIT_WINDOW_MS', 60_000, 1),
    redisUrl,
  };
}
export type RateLimitConfig = ReturnType<typeof readRateLimitConfig>;
