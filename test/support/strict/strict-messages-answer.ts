import { messagesPlan } from '../fake-turns';
import {
  AnswerContext,
  data,
  event,
  pieces,
  THOUGHT,
} from './strict-answer-kit';
import { claudeVersion, isObject, Json } from './strict-refusals';
import { datedModel, messageId, opaque, toolUseId } from './strict-wire';

const TEXT = 'Hello from the strict fake Claude.';

/** `copilot_annotations` beside a `text_delta` (M14), no citation found. */
const ANNOTATIONS = { copilot_annotations: { IPCodeCitations: [] } };

/**
 * The thinking block the answer opens with when the body asks for thinking
 * (`thinking.type` `enabled` or `adaptive`): `{type: "thinking", thinking,
 * signature}`, whose text is `""` when the display is omitted (M11: the default
 * from Claude 4.7 on, unless `thinking.display: "summarized"`).
 */
function thinkingOf(ctx: AnswerContext): Json | undefined {
  const thinking = ctx.body.thinking;
  if (
    !isObject(thinking) ||
    (thinking.type !== 'enabled' && thinking.type !== 'adaptive')
  )
    return undefined;
  const display =
    thinking.display ??
    ((claudeVersion(ctx.model) ?? 0) >= 4.7 ? 'omitted' : 'summarized');
  const text = display === 'omitted' ? '' : THOUGHT;
  return {
    type: 'thinking',
    thinking: text,
    signature: ctx.issue('signature', opaque('Eo'), text),
  };
}

/**
 * `POST /v1/messages` as Copilot answers it (§9.3, M13, M14, G15): `msg_bdrk_…`
 * and `toolu_bdrk_…` ids; the dated `model`; `usage` with
 * `cache_creation_input_tokens` and `cache_read_input_tokens`; `context_management:
 * {applied_edits: []}` on the body (and on `message_delta` when streamed;
 * `copilot_annotations` beside the first `text_delta`); thinking
 * blocks with a signature the fake remembers. Streamed: the Anthropic events, then
 * `data: [DONE]` after `message_stop`.
 */
export function messagesAnswer(ctx: AnswerContext): void {
  const plan = messagesPlan(ctx.body);
  const blocks: Json[] = [];
  const thinking = thinkingOf(ctx);
  if (thinking) blocks.push(thinking);
  const text = plan.text ?? (plan.calls.length > 0 ? undefined : TEXT);
  if (text !== undefined) blocks.push({ type: 'text', text });
  for (const call of plan.calls)
    blocks.push({
      type: 'tool_use',
      id: toolUseId(),
      name: call.name,
      input: JSON.parse(call.arguments || '{}') as unknown,
    });
  const id = messageId();
  const model = datedModel(ctx.model);
  const stop = plan.calls.length > 0 ? 'tool_use' : 'end_turn';
  const usage = {
    input_tokens: 42,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 9,
  };
  const contextManagement = { applied_edits: [] };
  if (ctx.body.stream !== true) {
    return ctx.json({
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: blocks,
      stop_reason: stop,
      stop_sequence: null,
      usage,
      context_management: contextManagement,
    });
  }
  const events: string[] = [
    event('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
  ];
  blocks.forEach((block, index) => {
    const delta = (d: object, more: object = {}) =>
      event('content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: d,
        ...more,
      });
    const start = (b: object) =>
      event('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: b,
      });
    if (block.type === 'thinking') {
      events.push(start({ type: 'thinking', thinking: '', signature: '' }));
      for (const piece of block.thinking === ''
        ? []
        : pieces(String(block.thinking), 2))
        events.push(delta({ type: 'thinking_delta', thinking: piece }));
      events.push(
        delta({ type: 'signature_delta', signature: block.signature }),
      );
    } else if (block.type === 'text') {
      events.push(start({ type: 'text', text: '' }));
      pieces(String(block.text), 2).forEach((piece, i) =>
        events.push(
          // M14: the first text delta carries (empty) public-code citations.
          delta(
            { type: 'text_delta', text: piece },
            i === 0 ? ANNOTATIONS : {},
          ),
        ),
      );
    } else {
      events.push(start({ ...block, input: {} }));
      const json = JSON.stringify(block.input);
      for (const piece of json === '{}' ? [''] : pieces(json))
        events.push(delta({ type: 'input_json_delta', partial_json: piece }));
    }
    events.push(
      event('content_block_stop', { type: 'content_block_stop', index }),
    );
  });
  events.push(
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stop, stop_sequence: null },
      usage,
      context_management: contextManagement,
    }),
    event('message_stop', { type: 'message_stop' }) + data('[DONE]'),
  );
  ctx.stream(events.map((e) => () => e));
}

/** `POST /v1/messages/count_tokens` → `{"input_tokens": N}` (T3), a token per 4 bytes. */
export function countTokensAnswer(ctx: AnswerContext): void {
  ctx.json({ input_tokens: Math.ceil(ctx.ex.record.body.length / 4) });
}
