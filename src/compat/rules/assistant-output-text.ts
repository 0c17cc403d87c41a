import type { CompatRule } from '../compat-rule';
import { elements, isObject } from './rule-helpers';

/**
 * R12: Copilot's compaction emits assistant messages whose parts are
 * `input_text`; sent back as input they are refused: "Invalid value:
 * 'input_text'. Supported values are: 'output_text' and 'refusal'." The part's
 * type is rewritten to `output_text` on assistant message items (Floway
 * `normalize-assistant-content.ts`).
 */
export const assistantOutputText: CompatRule = {
  id: 'r12',
  name: 'output_text',
  apis: ['responses'],
  apply({ body }, edit) {
    let changed = false;
    elements(body?.input).forEach((item, i) => {
      if (!isObject(item) || item.role !== 'assistant') return;
      if (item.type !== undefined && item.type !== 'message') return;
      elements(item.content).forEach((part, p) => {
        if (!isObject(part) || part.type !== 'input_text') return;
        edit.set(['input', i, 'content', p, 'type'], 'output_text');
        changed = true;
      });
    });
    return changed;
  },
};
