import type { CompatRule } from '../compat-rule';
import { elements, isObject } from './rule-helpers';

/**
 * R7: Copilot validates input items strictly and refuses the ChatGPT/Codex
 * app's private keys: `[ObjectParam] [input[1].internal_chat_message_metadata_
 * passthrough.content_item_kinds] [unknown_parameter] Unknown parameter…`
 * (caozhiyuan/copilot-api#390, 2026-09-08; caozhiyuan
 * `sanitizeUnsupportedInputFields`). Every `internal_*` key of an input item is
 * removed.
 */
export const stripInternalKeys: CompatRule = {
  id: 'r7',
  name: 'internal_keys',
  apis: ['responses'],
  apply({ body }, edit) {
    let changed = false;
    elements(body?.input).forEach((item, i) => {
      if (!isObject(item)) return;
      for (const key of Object.keys(item)) {
        if (!key.startsWith('internal_')) continue;
        edit.remove(['input', i, key]);
        changed = true;
      }
    });
    return changed;
  },
};
