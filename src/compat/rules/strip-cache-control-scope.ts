import type { CompatRule } from '../compat-rule';
import { removeCacheControlMember } from './rule-helpers';

/**
 * M2: `cache_control.scope` (the `prompt-caching-scope-2026-01-05` beta, sent by
 * Claude Code 2.1.24+) is refused on every Claude model, at any position:
 * `400 {"message":"system.1.cache_control.ephemeral.scope: Extra inputs are not
 * permitted"}` (caozhiyuan/copilot-api#143, 2026-03-31). Only `scope` goes;
 * `{type:"ephemeral"}` stays. Peers: Floway `strip-cache-control-extensions.ts`
 * (commit e0eb0c64), caozhiyuan `stripCacheControlScope`.
 */
export const stripCacheControlScope: CompatRule = {
  id: 'm2',
  name: 'cache_control.scope',
  apis: ['messages', 'count_tokens'],
  apply: removeCacheControlMember('scope'),
};
