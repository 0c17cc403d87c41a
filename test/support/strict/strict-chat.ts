import { BILLING_HEADER, BILLING_REFUSAL } from './strict-messages';
import { copilotError, isObject, list } from './strict-refusals';
import { CHAT, EMBEDDINGS, StrictRule } from './strict-rule';

/** The text of a chat message's content (a string or text parts). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return list(content)
    .map((p) => (typeof p.text === 'string' ? p.text : ''))
    .join('\n');
}

const isClaude = (model: string): boolean => model.startsWith('claude-');

/** `/chat/completions` rules (catalogue §1) and `/embeddings` (§6). */
export const CHAT_RULES: StrictRule[] = [
  {
    // C1: `max_tokens` on gpt-5* and o-series models.
    id: 'c1',
    paths: [CHAT],
    check: ({ body, model }) =>
      /^(gpt-5|o\d)/.test(model) && body.max_tokens != null
        ? copilotError(
            "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          )
        : undefined,
  },
  {
    // C4: the billing line in a system message, on the Claude chat path.
    id: 'c4',
    paths: [CHAT],
    check: ({ body, model }) =>
      isClaude(model) &&
      list(body.messages).some(
        (m) =>
          (m.role === 'system' || m.role === 'developer') &&
          textOf(m.content).includes(BILLING_HEADER),
      )
        ? BILLING_REFUSAL()
        : undefined,
  },
  {
    // C5 (§10, opt-in): system messages on the Claude chat path. Wording inferred.
    id: 'c5',
    paths: [CHAT],
    optIn: true,
    check: ({ body, model }) =>
      isClaude(model) && list(body.messages).some((m) => m.role === 'system')
        ? copilotError('system messages are not supported for this model')
        : undefined,
  },
  {
    // C8: a Claude `reasoning_opaque` the fake did not issue (M10's check on chat).
    id: 'c8',
    paths: [CHAT],
    check: ({ body, model }, ledger) => {
      if (!isClaude(model)) return undefined;
      const messages = list(body.messages);
      for (let i = 0; i < messages.length; i++) {
        const opaque = messages[i].reasoning_opaque;
        if (
          messages[i].role === 'assistant' &&
          opaque != null &&
          !ledger.find(opaque)
        )
          return copilotError(
            `messages.${i}.content.0: Invalid signature in thinking block`,
          );
      }
      return undefined;
    },
  },
  {
    // C13: a tool's object `parameters` without `properties`. OpenAI's wording.
    id: 'c13',
    paths: [CHAT],
    check: ({ body }) => {
      for (const tool of list(body.tools)) {
        const fn = isObject(tool.function) ? tool.function : {};
        const parameters = fn.parameters;
        if (
          isObject(parameters) &&
          parameters.type === 'object' &&
          !('properties' in parameters)
        )
          return copilotError(
            `Invalid schema for function '${String(fn.name)}': In context=(), object schema missing properties.`,
          );
      }
      return undefined;
    },
  },
  {
    // E1: a scalar embeddings `input`. Wording inferred.
    id: 'e1',
    paths: [EMBEDDINGS],
    check: ({ body }) =>
      typeof body.input === 'string'
        ? copilotError("Invalid 'input': expected an array of strings.")
        : undefined,
  },
];
