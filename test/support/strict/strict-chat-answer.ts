import { newId } from '../fake-inference';
import { chatPlan } from '../fake-turns';
import {
  AnswerContext,
  data,
  pieces,
  THOUGHT,
  WHITESPACE,
} from './strict-answer-kit';
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
 *
 * The marker `STRICT_WHITESPACE` makes tool-call arguments a whitespace flood cut
 * by `finish_reason: "length"` (G16); `answers.splitChoices` puts a Claude answer's
 * tool calls in choice 1 (C9).
 */
export function chatAnswer(ctx: AnswerContext): void {
  const plan = chatPlan(ctx.body);
  const model = datedModel(ctx.model);
  const id = newId('chatcmpl-');
  const flood = ctx.marked('STRICT_WHITESPACE');
  const split = ctx.settings.splitChoices && ctx.model.startsWith('claude-');
  const calls = plan.calls.map((call) => ({
    id: newId('call_'),
    type: 'function',
    function: {
      name: call.name,
      arguments: flood ? WHITESPACE : call.arguments,
    },
  }));
  const text = plan.text ?? (calls.length > 0 ? undefined : TEXT);
  const reasoning = thinks(ctx)
    ? ctx.issue('reasoning_opaque', opaque(), THOUGHT)
    : undefined;
  const finish = flood ? 'length' : calls.length > 0 ? 'tool_calls' : 'stop';
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
    const choice = (index: number, message: object) => ({
      content_filter_results: {},
      finish_reason: finish,
      index,
      message: {
        padding: 'abcdefghijklmnopqrstuvwxyz0123',
        role: 'assistant',
        ...message,
      },
    });
    const said = {
      content: text ?? null,
      ...(reasoning && {
        reasoning_text: THOUGHT,
        reasoning_opaque: reasoning,
      }),
    };
    const choices =
      split && text !== undefined && calls.length > 0
        ? [choice(0, said), choice(1, { content: null, tool_calls: calls })]
        : [
            choice(0, {
              ...said,
              ...(calls.length > 0 && { tool_calls: calls }),
            }),
          ];
    return ctx.json({
      choices,
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
  /** Deltas from here on are tool calls: in choice 1 when split (C9). */
  const firstCall = deltas.length;
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
  const choiceOf = (at: number): number =>
    split && at >= firstCall && firstCall > 0 ? 1 : 0;
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
    ...deltas.map((delta, at) => () => {
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
            index: choiceOf(at),
            content_filter_offsets: offsets,
            content_filter_results: FILTER_RESULTS,
            delta,
          },
        ]),
      );
    }),
    () =>
      data(
        chunk(
          [...new Set([0, choiceOf(deltas.length - 1)])].map((index) => ({
            index,
            content_filter_results: {},
            delta: { content: null },
            finish_reason: finish,
          })),
        ),
      ),
    () => data(chunk([])),
    () =>
      data(chunk([], { usage, copilot_usage: copilotUsage(21, 12) })) +
      data('[DONE]'),
  ];
  ctx.stream(parts);
}

/** `POST /embeddings` (E2): `data[]` and `usage`, no top-level `object` or `model`. */
export function embeddingsAnswer(ctx: AnswerContext): void {
  const inputs = Array.isArray(ctx.body.input)
    ? ctx.body.input
    : [ctx.body.input];
  ctx.json({
    data: inputs.map((_, index) => ({
      object: 'embedding',
      index,
      embedding: [0.1, 0.2, 0.3],
    })),
    usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
  });
}
