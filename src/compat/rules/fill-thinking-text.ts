import type { CompatRule } from '../compat-rule';
import { elements, isObject } from './rule-helpers';

/**
 * M10: a replayed thinking block whose `thinking` is null or missing is refused
 * ("thinking: Input should be a valid string", "thinking: Field required"),
 * while `thinking: ""` with its signature is served (Floway commit 8af6ac11,
 * probe on claude-sonnet-4.6, 2026-05-17). The text is sent as `""`; the
 * signature, which covers the reasoning and not this field, is kept.
 */
export const fillThinkingText: CompatRule = {
  id: 'm10',
  name: 'thinking',
  apis: ['messages', 'count_tokens'],
  apply({ body }, edit) {
    let changed = false;
    elements(body?.messages).forEach((message, m) => {
      if (!isObject(message)) return;
      elements(message.content).forEach((block, b) => {
        if (!isObject(block) || block.type !== 'thinking') return;
        if (typeof block.thinking === 'string') return;
        edit.set(['messages', m, 'content', b, 'thinking'], '');
        changed = true;
      });
    });
    return changed;
  },
};
