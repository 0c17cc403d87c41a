import type { CompatRule } from '../compat-rule';

/** Copilot's least `max_output_tokens`. */
const LEAST = 16;

/**
 * R11: `/responses` refuses `max_output_tokens` below 16: `400 {"error":
 * {"message":"Invalid 'max_output_tokens': integer below minimum value. Expected
 * a value >= 16, but got 1 instead.","code":"invalid_request_body"}}` (Floway
 * `answer-claude-code-probe.ts` quotes it; Claude Code 2.1.226's `/model` probe
 * sends `max_tokens: 1`, which the bridge carries over). Raised to 16.
 */
export const raiseMaxOutputTokens: CompatRule = {
  id: 'r11',
  name: 'max_output_tokens',
  apis: ['responses'],
  apply({ body }, edit) {
    const value = body?.max_output_tokens;
    if (typeof value !== 'number' || value >= LEAST) return false;
    edit.set(['max_output_tokens'], LEAST);
    return true;
  },
};
