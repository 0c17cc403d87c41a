import type { ErrorRule } from './error-answer';

/**
 * G4/§9.3: Copilot's errors on `/v1/messages` come in several shapes: its own
 * `{"error":{"message","code":"invalid_request_body"}}`, OpenAI's (an unknown or
 * not-enabled model, G6), a bare `{"message":"…: Extra inputs are not
 * permitted"}`, plain text — and sometimes Anthropic's own. The Anthropic SDKs
 * and Claude Code read the kind and message only from Anthropic's
 * `{"type":"error","error":{type,message}}`. Any other error body on a native
 * `/v1/messages` route is written in that shape: Copilot's message, the type
 * Anthropic gives its status, Copilot's `request_id` when it had one.
 */
export const anthropicErrorShape: ErrorRule = {
  id: 'g4',
  name: 'anthropic-errors',
  apply(answer) {
    if (!answer.anthropic || answer.upstream.anthropic || answer.rewritten)
      return false;
    answer.rewritten = true;
    return true;
  },
};
