import { Exchange, json } from './fake-http';
import {
  fragments,
  Inference,
  intervalOf,
  jsonBody,
  newId,
  sseEvent,
  StreamPart,
} from './fake-inference';
import { messagesPlan, Plan } from './fake-turns';

const TEXT = 'Hello from the fake Claude.';

/** The answer's content blocks: its text (if any), then one `tool_use` per call. */
function blocksOf(plan: Plan): Array<Record<string, unknown>> {
  const blocks: Array<Record<string, unknown>> = [];
  const text = plan.text ?? (plan.calls.length > 0 ? undefined : TEXT);
  if (text !== undefined) blocks.push({ type: 'text', text });
  for (const call of plan.calls) {
    blocks.push({
      type: 'tool_use',
      id: newId('toolu_'),
      name: call.name,
      input: JSON.parse(call.arguments || '{}') as unknown,
    });
  }
  return blocks;
}

/**
 * `POST /v1/messages`, the Anthropic Messages format; `model` is the body's
 * (checked against `/models`) or `claude-sonnet-4`. What it says follows
 * {@link messagesPlan}: `Hello from the fake Claude.`, `Tool said: …` after
 * `tool_result` blocks, or `tool_use` blocks (`toolu_…` ids, `stop_reason:
 * "tool_use"`) for the `USE_TOOL…` markers.
 *
 * Not streamed (no `"stream": true`, or a body that is not JSON, answered unchecked
 * as `claude-sonnet-4`): one `message` `{id: "msg_fake", type: "message", role:
 * "assistant", model, content: [{type: "text", text} | {type: "tool_use", id, name,
 * input}], stop_reason: "end_turn" | "tool_use", stop_sequence: null, usage:
 * {input_tokens, output_tokens: 6, cache_read_input_tokens: 0}, copilot_usage?}`
 * whose `usage.input_tokens` is the request body's length in bytes.
 *
 * With `"stream": true`: `text/event-stream` of `event: <name>\ndata: <json>\n\n`,
 * all at once (or `x-fake-interval-ms` apart): `message_start` `{"type":
 * "message_start","message":{"id":"msg_fake","type":"message","role":"assistant",
 * "model","content":[],"usage":{"input_tokens":11,"output_tokens":1}}}`; per block
 * `content_block_start` `{"type":"content_block_start","index","content_block":
 * {"type":"text","text":""} | {"type":"tool_use","id","name","input":{}}}`,
 * `content_block_delta`s (`text_delta` `{"type":"text_delta","text"}`, two for the
 * usual text; `input_json_delta` `{"type":"input_json_delta","partial_json"}`, the
 * arguments in 3 fragments, or one `""` for empty ones) and `content_block_stop`;
 * then `message_delta` `{"type":"message_delta","delta":{"stop_reason",
 * "stop_sequence":null},"usage":{"input_tokens":11,"output_tokens":7,
 * "cache_read_input_tokens":3},copilot_usage?}` and `message_stop`.
 */
export class MessagesRoute {
  constructor(private readonly inference: Inference) {}

  handle(ex: Exchange): void {
    const inference = this.inference;
    const body = jsonBody(ex.record.body);
    const stream = body?.stream === true;
    const model = body
      ? inference.model(
          ex,
          '/v1/messages',
          body.model,
          'claude-sonnet-4',
          stream,
        )
      : 'claude-sonnet-4';
    if (model === undefined) return;
    inference.served(ex, model, 200, stream);
    const plan = body ? messagesPlan(body) : { calls: [] };
    if (stream) this.streamed(ex, model, plan);
    else this.plain(ex, model, plan);
  }

  private plain({ res, record }: Exchange, model: string, plan: Plan): void {
    json(
      res,
      200,
      {
        id: 'msg_fake',
        type: 'message',
        role: 'assistant',
        model,
        content: blocksOf(plan),
        stop_reason: plan.calls.length > 0 ? 'tool_use' : 'end_turn',
        stop_sequence: null,
        usage: {
          input_tokens: record.body.length,
          output_tokens: 6,
          cache_read_input_tokens: 0,
        },
        ...this.inference.copilotUsage(),
      },
      this.inference.quotaHeaders(),
    );
  }

  private streamed(ex: Exchange, model: string, plan: Plan): void {
    const events: Array<[string, object]> = [
      [
        'message_start',
        {
          type: 'message_start',
          message: {
            id: 'msg_fake',
            type: 'message',
            role: 'assistant',
            model,
            content: [],
            usage: { input_tokens: 11, output_tokens: 1 },
          },
        },
      ],
    ];
    blocksOf(plan).forEach((block, index) => {
      const isText = block.type === 'text';
      events.push([
        'content_block_start',
        {
          type: 'content_block_start',
          index,
          content_block: isText
            ? { type: 'text', text: '' }
            : { ...block, input: {} },
        },
      ]);
      const deltas = isText
        ? this.textDeltas(String(block.text))
        : this.jsonDeltas(block.input);
      for (const delta of deltas)
        events.push([
          'content_block_delta',
          { type: 'content_block_delta', index, delta },
        ]);
      events.push([
        'content_block_stop',
        { type: 'content_block_stop', index },
      ]);
    });
    events.push(
      [
        'message_delta',
        {
          type: 'message_delta',
          delta: {
            stop_reason: plan.calls.length > 0 ? 'tool_use' : 'end_turn',
            stop_sequence: null,
          },
          usage: {
            input_tokens: 11,
            output_tokens: 7,
            cache_read_input_tokens: 3,
          },
          ...this.inference.copilotUsage(),
        },
      ],
      ['message_stop', { type: 'message_stop' }],
    );
    const parts: StreamPart[] = events.map(
      ([name, data]) =>
        () =>
          sseEvent(name, data),
    );
    this.inference.stream(ex.res, parts, intervalOf(ex));
  }

  /** A text as `text_delta`s: the usual text in two, any other in 3 fragments. */
  private textDeltas(text: string): object[] {
    const pieces =
      text === TEXT ? ['Hello from', ' the fake Claude.'] : fragments(text);
    return pieces.map((piece) => ({ type: 'text_delta', text: piece }));
  }

  /** A tool's input as `input_json_delta`s: 3 fragments, or one `""` when empty. */
  private jsonDeltas(input: unknown): object[] {
    const text = JSON.stringify(input);
    const pieces = text === '{}' ? [''] : fragments(text);
    return pieces.map((partial_json) => ({
      type: 'input_json_delta',
      partial_json,
    }));
  }
}
