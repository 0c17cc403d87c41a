import { EnvReader } from './env-reader';

export const RESPONSE_CACHE_MODES = ['off', 'opt-in', 'all'] as const;

export function readCacheConfig(env: EnvReader) {
  return {
    /** How long a `/models` answer is served from the cache. */
    modelsTtlMs: env.integer('MODELS_CACHE_TTL_MS', 600_000, 1),
    /** `opt-in`: requests with `Cache-Control: max-age=N`; `all`: every model request. */
    responseMode: env.oneOf('RESPONSE_CACHE', RESPONSE_CACHE_MODES, 'off'),
    /** One cache for every client key instead of one per key. */
    responseShared: env.boolean('RESPONSE_CACHE_SHARED', false),
    responseTtlMs: env.integer('RESPONSE_CACHE_TTL_MS', 3_600_000, 1),
    responseMaxBytes: env.integer(
      'RESPONSE_CACHE_MAX_BYTES',
      64 * 1024 * 1024,
      0,
    ),
    responseMaxEntryBytes: env.integer(
      'RESPONSE_CACHE_MAX_ENTRY_BYTES',
      8 * 1024 * 1024,
      0,
    ),
  };
}
export type CacheConfig = ReturnType<typeof readCacheConfig>;
