import type { CompatRule } from '../compat-rule';
import { cacheCarriers } from './rule-helpers';

/**
 * M5: Anthropic's own rule, surfaced by Copilot verbatim: `400 {"message":
 * "messages.5.content.0.tool_result.content.16.cache_control: cache_control may
 * not be specified within `tool_result.content`. Instead, place it directly on
 * `tool_result`"}` (caozhiyuan/copilot-api#241, 2026-05-18, opus-4.6). The marker
 * is removed from blocks inside a `tool_result`'s content (caozhiyuan
 * `stripContentBlockCacheControl`).
 */
export const stripToolResultCacheControl: CompatRule = {
  id: 'm5',
  name: 'tool_result.cache_control',
  apis: ['messages', 'count_tokens'],
  apply({ body }, edit) {
    if (!body) return false;
    let changed = false;
    for (const { path, value, nested } of cacheCarriers(body)) {
      if (!nested || value.cache_control === undefined) continue;
      edit.remove([...path, 'cache_control']);
      changed = true;
    }
    return changed;
  },
};
