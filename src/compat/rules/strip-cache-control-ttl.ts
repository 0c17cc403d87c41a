import type { CompatRule } from '../compat-rule';
import { removeCacheControlMember } from './rule-helpers';

/**
 * M3: `cache_control.ttl` (the `extended-cache-ttl-2025-04-11` beta; Zed sends
 * `ttl:"1h"`) is refused on haiku-4.5, sonnet-4.5, sonnet-4.6 and at times
 * opus-4.5 (caozhiyuan/copilot-api#269, Floway commit 99b280ce, 2026-06).
 * Contradictory (catalogue §10): a newer caozhiyuan build forwards it, with its
 * beta, to claude-sonnet-5. On by default all the same, on every model, as
 * Floway does: without `ttl` a cache lives 5 minutes instead of an hour, while
 * with it the request may fail; `-m3` keeps it.
 */
export const stripCacheControlTtl: CompatRule = {
  id: 'm3',
  name: 'cache_control.ttl',
  apis: ['messages', 'count_tokens'],
  apply: removeCacheControlMember('ttl'),
};
