import type { CompatRule } from '../compat-rule';
import { elements, isObject } from './rule-helpers';

/**
 * M6: a tool's `eager_input_streaming` (fine-grained tool streaming:
 * `@ai-sdk/anthropic` `eagerInputStreaming`, Claude Code when enabled) is
 * refused: `"tools.N.custom.eager_input_streaming: Extra inputs are not
 * permitted"`. Removed from every tool (Floway `strip-eager-input-streaming.ts`).
 */
export const stripEagerInputStreaming: CompatRule = {
  id: 'm6',
  name: 'eager_input_streaming',
  apis: ['messages', 'count_tokens'],
  apply({ body }, edit) {
    let changed = false;
    elements(body?.tools).forEach((tool, i) => {
      if (!isObject(tool) || !('eager_input_streaming' in tool)) return;
      edit.remove(['tools', i, 'eager_input_streaming']);
      changed = true;
    });
    return changed;
  },
};
