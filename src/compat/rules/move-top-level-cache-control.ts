import type { CompatRule } from '../compat-rule';
import { elements, isObject, type Json } from './rule-helpers';

/** Blocks Anthropic caches up to. */
const CACHEABLE = new Set([
  'text',
  'image',
  'document',
  'tool_use',
  'tool_result',
]);

/**
 * M4: a top-level `cache_control` (the Anthropic SDK's automatic caching; Zed
 * sends it) is refused on sonnet-4.5, sonnet-4.6, haiku-4.5 and opus-4.5:
 * `400 {"message":"cache_control: Extra inputs are not permitted"}` (zed PR
 * #56632, 2026-05-13). It means "cache up to the last cacheable block", so it is
 * moved onto that block (unless the block has its own), on every model, as
 * Floway `apply-top-level-cache-control.ts` does. The marker moves as
 * `{type}` alone: its `scope`/`ttl` are what M2/M3 refuse. A last message whose
 * content is a string becomes one text block carrying it.
 */
export const moveTopLevelCacheControl: CompatRule = {
  id: 'm4',
  name: 'top-level-cache_control',
  apis: ['messages', 'count_tokens'],
  apply({ body }, edit) {
    const control = body?.cache_control;
    if (!body || control === undefined) return false;
    edit.remove(['cache_control']);
    if (!isObject(control)) return true;
    const marker = { type: control.type ?? 'ephemeral' };
    const messages = elements(body.messages);
    for (let m = messages.length - 1; m >= 0; m--) {
      const message = messages[m];
      if (!isObject(message)) continue;
      if (typeof message.content === 'string') {
        edit.set(
          ['messages', m, 'content'],
          [{ type: 'text', text: message.content, cache_control: marker }],
        );
        return true;
      }
      const blocks = elements(message.content);
      for (let b = blocks.length - 1; b >= 0; b--) {
        const block = blocks[b] as Json;
        if (!isObject(block) || !CACHEABLE.has(block.type as string)) continue;
        if (block.cache_control === undefined)
          edit.set(['messages', m, 'content', b, 'cache_control'], marker);
        return true;
      }
    }
    return true;
  },
};
