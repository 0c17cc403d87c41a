import type { CompatRule } from '../compat-rule';
import { claudeVersion, elements, isObject } from './rule-helpers';

/** The first Claude version Copilot serves inline system messages on. */
const INLINE_SYSTEM_FROM = 4.8;

/**
 * M9: a `role: "system"` message inside `messages` (newer Anthropic SDKs, Claude
 * Code's mid-conversation reminders) is refused on Claude below 4.8 — "role
 * 'system' is not supported on this model", or on Vertex "Unexpected role
 * "system". The Anthropic Messages API accepts a top-level system parameter"
 * (Floway `defaults.ts`, probes 2026-06-26 → 08-01, commit 180f1560). Its text is
 * appended to the top-level `system` (caozhiyuan `normalizeSystemMessages`) and
 * the message removed; from 4.8 on, and for a model the rule cannot read, the
 * request is left as it is.
 */
export const foldInlineSystem: CompatRule = {
  id: 'm9',
  name: 'inline-system',
  apis: ['messages', 'count_tokens'],
  apply({ body, model }, edit) {
    const version = claudeVersion(model);
    if (!body || version === undefined || version >= INLINE_SYSTEM_FROM)
      return false;
    const texts: string[] = [];
    elements(body.messages).forEach((message, i) => {
      if (!isObject(message) || message.role !== 'system') return;
      texts.push(...textsOf(message.content));
      edit.remove(['messages', i]);
    });
    if (texts.length === 0) return false;
    const system = body.system;
    if (Array.isArray(system))
      texts.forEach((text, i) =>
        edit.set(['system', system.length + i], { type: 'text', text }),
      );
    else
      edit.set(
        ['system'],
        [typeof system === 'string' ? system : '', ...texts]
          .filter((text) => text !== '')
          .join('\n\n'),
      );
    return true;
  },
};

function textsOf(content: unknown): string[] {
  if (typeof content === 'string') return content === '' ? [] : [content];
  return elements(content).flatMap((block) =>
    isObject(block) && typeof block.text === 'string' && block.text !== ''
      ? [block.text]
      : [],
  );
}
