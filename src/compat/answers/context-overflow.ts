import type { ErrorRule } from './error-answer';

/** Copilot's ways of saying the prompt does not fit the model's window. */
const OVERFLOW_MESSAGE =
  /request body is too large for model context window|prompt token count of \d+ exceeds the limit|prompt is too long|maximum context length|context window/i;
const OVERFLOW_CODES = new Set([
  'model_max_prompt_tokens_exceeded',
  'context_length_exceeded',
]);
const PROMPT_TOO_LONG = 'prompt is too long';

/**
 * M12/C14: Copilot reports a context-window overflow as `Request body is too
 * large for model context window …` on `/v1/messages` (M12; Floway
 * `rewrite-context-window-error.ts`) and as `model_max_prompt_tokens_exceeded`,
 * `prompt token count of N exceeds the limit of M`, on chat and `/responses`
 * (C14; Floway `context-window-error.ts`, captured live). Clients act only on
 * their API's own words: Claude Code compacts on a message starting `prompt is
 * too long`, OpenAI clients (Codex) on `context_length_exceeded`. So an
 * Anthropic client gets `invalid_request_error`, `prompt is too long: ` then
 * Copilot's message; an OpenAI client gets Copilot's message with the code
 * `context_length_exceeded`. Translated answers too: the bridge writes the shape.
 */
export const contextOverflow: ErrorRule = {
  id: 'm12',
  name: 'prompt-too-long',
  translated: true,
  apply(answer) {
    const { message, code } = answer.upstream;
    const overflow =
      (code !== undefined && OVERFLOW_CODES.has(code)) ||
      (message !== undefined && OVERFLOW_MESSAGE.test(message));
    if (!overflow || answer.status >= 500) return false;
    const text = answer.message ?? message ?? '';
    if (answer.anthropic) {
      if (text.startsWith(PROMPT_TOO_LONG) && answer.upstream.anthropic)
        return false;
      answer.message = text.startsWith(PROMPT_TOO_LONG)
        ? text
        : `${PROMPT_TOO_LONG}: ${text}`;
      answer.type = 'invalid_request_error';
    } else if (code === 'context_length_exceeded' && answer.upstream.type) {
      return false;
    }
    answer.code = 'context_length_exceeded';
    answer.type = 'invalid_request_error';
    answer.status = 400;
    answer.rewritten = true;
    return true;
  },
};
