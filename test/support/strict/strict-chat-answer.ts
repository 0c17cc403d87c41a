import { newId } from '../fake-inference';
import { chatPlan } from '../fake-turns';
import { AnswerContext, data, pieces, THOUGHT } from './strict-answer-kit';
import {
  copilotUsage,
  datedModel,
  FILTER_RESULTS,
  opaque,
  PROMPT_FILTER_RESULTS,
} from './strict-wire';

const TEXT = 'Hello from the strict fake.';
const FINGERPRINT = 'fp_569604b1f8';
const CREATED = 1764000000;

/** Claude and Gemini on chat think (C8) when asked: `thinking_budget` or `reasoning_effort`. */
const thinks = ({ model, body }: AnswerContext): boolean =>
  /^(claude|gemini)-/.test(model) &&
  (body.thinking_budget != null || body.reasoning_effort != null);

/**
 * `POST /chat/completions` as Copilot answers it (C10, C11, C8, R17). Not streamed:
 * no `object`/`created`; `prompt_filter_results`; per choice
 * `content_filter_results`; `message.padding`; `system_fingerprint`; the dated
 * `model`; `usage` with `completion_tokens_details`; `copilot_usage`; for a thinking
 * Claude/Gemini, `message.reasoning_text` and `reasoning_opaque`.
 *
 * Streamed: a leading `{"choices":[],"created":0,"id":"","prompt_filter_results":[…]}`
 * chunk; chunks without `object`, each choice with `content_filter_offsets` and
 * `content_filter_results`; reasoning first (`reasoning_text` deltas, then
 * `{"content":"","reasoning_opaque":…}`); text or tool calls; a `finish_reason`
 * chunk without usage; an empty-choices metadata chunk without usage; `usage` and
 * `copilot_usage` on a trailing empty-choices chunk; `data: [DONE]`.
 */
export function chatAnswer(ctx: AnswerContext): void {
  const plan = chatPlan(ctx.body);
  const model = datedModel(ctx.model);
  const id = newId('chatcmpl-');
  const calls = plan.calls.map((call) => ({
    id: newId('call_'),
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  const text = plan.text ?? (calls.length > 0 ? undefined : TEXT);
  const reasoning = thinks(ctx)
    ? ctx.issue('reasoning_opaque', opaque(), THOUGHT)
    : undefined;
  const finish = calls.length > 0 ? 'tool_calls' : 'stop';
  const usage = {
    completion_tokens: 12,
    completion_tokens_details: {
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
    prompt_tokens: 21,
    prompt_tokens_details: { cached_tokens: 0 },
    total_tokens: 33,
  };
  if (ctx.body.stream !== true) {
    return ctx.json({
      choices: [
        {
          content_filter_results: {},
          finish_reason: finish,
          index: 0,
          message: {
            content: text ?? null,
            padding: 'abcdefghijklmnopqrstuvwxyz0123',
            role: 'assistant',
            ...(reasoning && {
              reasoning_text: THOUGHT,
              reasoning_opaque: reasoning,
            }),
            ...(calls.length > 0 && { tool_calls: calls }),
          },
        },
      ],
      id,
      model,
      prompt_filter_results: PROMPT_FILTER_RESULTS,
      system_fingerprint: FINGERPRINT,
      usage,
      copilot_usage: copilotUsage(21, 12),
    });
  }
  const deltas: object[] = [];
  if (reasoning) {
    for (const piece of pieces(THOUGHT, 2))
      deltas.push({ reasoning_text: piece });
    deltas.push({ content: '', reasoning_opaque: reasoning });
  }
  for (const piece of text === undefined ? [] : pieces(text))
    deltas.push({ content: piece });
  calls.forEach((call, index) => {
    deltas.push({
      tool_calls: [
        { index, ...call, function: { ...call.function, arguments: '' } },
      ],
    });
    for (const piece of pieces(call.function.arguments))
      deltas.push({ tool_calls: [{ index, function: { arguments: piece } }] });
  });
  if (deltas.length > 0) deltas[0] = { role: 'assistant', ...deltas[0] };
  let offset = 0;
  const chunk = (choices: object[], extra: object = {}) => ({
    choices,
    created: CREATED,
    id,
    model,
    system_fingerprint: FINGERPRINT,
    ...extra,
  });
  const parts: Array<() => string> = [
    () =>
      data({
        choices: [],
        created: 0,
        id: '',
        prompt_filter_results: PROMPT_FILTER_RESULTS,
      }),
    ...deltas.map((delta) => () => {
      const length = JSON.stringify(delta).length;
      const offsets = {
        check_offset: 0,
        start_offset: offset,
        end_offset: offset + length,
      };
      offset += length;
      return data(
        chunk([
          {
            index: 0,
            content_filter_offsets: offsets,
            content_filter_results: FILTER_RESULTS,
            delta,
          },
        ]),
      );
    }),
    () =>
      data(
        chunk([
          {
            index: 0,
            content_filter_results: {},
            delta: { content: null },
            finish_reason: finish,
          },
        ]),
      ),
    () => data(chunk([])),
    () =>
      data(chunk([], { usage, copilot_usage: copilotUsage(21, 12) })) +
      data('[DONE]'),
  ];
  ctx.stream(parts);
}
