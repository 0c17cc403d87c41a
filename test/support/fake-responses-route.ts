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
import { Plan, responsesPlan } from './fake-turns';

/** `usage` of a `/responses` answer, streamed (in `response.completed`) or not. */
const RESPONSES_USAGE = {
  input_tokens: 9,
  input_tokens_details: { cached_tokens: 1 },
  output_tokens: 3,
  total_tokens: 12,
};

/** The usual text, and the `output_text.delta`s it is streamed in. */
const TEXT_DELTAS = ['Hi', ' there.'];

type Item = Record<string, unknown> & { id: string; type: string };

/** The answer's output items: a `message` with its text (if any), then one `function_call` per call. */
function outputOf(plan: Plan): Item[] {
  const items: Item[] = [];
  const text =
    plan.text ?? (plan.calls.length > 0 ? undefined : TEXT_DELTAS.join(''));
  if (text !== undefined) {
    items.push({
      type: 'message',
      id: 'msg_fake',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text, annotations: [] }],
    });
  }
  for (const call of plan.calls) {
    items.push({
      type: 'function_call',
      id: newId('fc_'),
      call_id: newId('call_'),
      name: call.name,
      arguments: call.arguments,
      status: 'completed',
    });
  }
  return items;
}

/** The text of a `message` item. */
const textOf = (item: Item): string =>
  (item.content as Array<{ text: string }>)[0].text;

/**
 * `POST /responses`, the OpenAI Responses API; `model` is the body's (checked
 * against `/models`) or `gpt-4.1`. A body that is not JSON is answered as streamed
 * with the default model. What it says follows {@link responsesPlan}: `Hi there.`,
 * `Tool said: …` after `function_call_output` items, or `function_call` items
 * (`fc_…` id, `call_…` call_id) for the `USE_TOOL…` markers.
 *
 * The response object: `{id: "resp_fake", object: "response", created_at, status,
 * model, output: [{type: "message", id: "msg_fake", status, role: "assistant",
 * content: [{type: "output_text", text, annotations: []}]} | {type:
 * "function_call", id, call_id, name, arguments, status}], parallel_tool_calls,
 * error: null, incomplete_details: null, usage}`; `usage` is `{"input_tokens":9,
 * "input_tokens_details":{"cached_tokens":1},"output_tokens":3,"total_tokens":12}`.
 *
 * Streamed (unless the body has `"stream": false`): SSE `event: <type>\ndata:
 * <json>\n\n`, all at once (or `x-fake-interval-ms` apart), each with `type` first
 * and `sequence_number` (0, 1, …): `response.created` and `response.in_progress`
 * (`response` in progress, `output: []`, `usage: null`); per message item
 * `response.output_item.added`, `response.content_part.added`,
 * `response.output_text.delta` (`item_id, output_index, content_index, delta`; two
 * for the usual text, else 3), `response.output_text.done` (`text`),
 * `response.content_part.done`, `response.output_item.done`; per function call
 * `response.output_item.added` (`arguments: ""`),
 * `response.function_call_arguments.delta` (3 fragments; none for empty
 * arguments), `response.function_call_arguments.done` (`arguments`),
 * `response.output_item.done`; then `response.completed` with the whole response
 * (`output`, `usage`, and `copilot_usage` when on).
 *
 * With `"stream": false`: the response object as JSON, `copilot_usage` (when on)
 * at its top level.
 */
export class ResponsesRoute {
  constructor(private readonly inference: Inference) {}

  handle(ex: Exchange): void {
    const inference = this.inference;
    const body = jsonBody(ex.record.body) ?? {};
    const stream = body.stream !== false;
    const model = inference.model(
      ex,
      '/responses',
      body.model,
      'gpt-4.1',
      stream,
    );
    if (model === undefined) return;
    inference.served(ex, model, 200, stream);
    const output = outputOf(responsesPlan(body));
    const response = (status: string, items: Item[], usage: object | null) => ({
      id: 'resp_fake',
      object: 'response',
      created_at: 1764000000,
      status,
      model,
      output: items,
      parallel_tool_calls: true,
      error: null,
      incomplete_details: null,
      usage,
    });
    if (!stream) {
      return json(
        ex.res,
        200,
        {
          ...response('completed', output, RESPONSES_USAGE),
          ...inference.copilotUsage(),
        },
        inference.quotaHeaders(),
      );
    }
    const events: Array<Record<string, unknown> & { type: string }> = [];
    const started = response('in_progress', [], null);
    events.push({ type: 'response.created', response: started });
    events.push({ type: 'response.in_progress', response: started });
    output.forEach((item, output_index) => {
      if (item.type === 'message')
        this.messageEvents(events, item, output_index);
      else this.callEvents(events, item, output_index);
    });
    events.push({
      type: 'response.completed',
      response: {
        ...response('completed', output, RESPONSES_USAGE),
        ...inference.copilotUsage(),
      },
    });
    const parts: StreamPart[] = events.map(
      ({ type, ...rest }, sequence_number) =>
        () =>
          sseEvent(type, { type, sequence_number, ...rest }),
    );
    inference.stream(ex.res, parts, intervalOf(ex));
  }

  private messageEvents(
    events: Array<Record<string, unknown> & { type: string }>,
    item: Item,
    output_index: number,
  ): void {
    const text = textOf(item);
    const at = { item_id: item.id, output_index, content_index: 0 };
    const part = (text: string) => ({
      type: 'output_text',
      text,
      annotations: [],
    });
    events.push({
      type: 'response.output_item.added',
      output_index,
      item: { ...item, status: 'in_progress', content: [] },
    });
    events.push({ type: 'response.content_part.added', ...at, part: part('') });
    const deltas =
      text === TEXT_DELTAS.join('') ? TEXT_DELTAS : fragments(text);
    for (const delta of deltas)
      events.push({
        type: 'response.output_text.delta',
        ...at,
        delta,
        logprobs: [],
      });
    events.push({
      type: 'response.output_text.done',
      ...at,
      text,
      logprobs: [],
    });
    events.push({
      type: 'response.content_part.done',
      ...at,
      part: part(text),
    });
    events.push({ type: 'response.output_item.done', output_index, item });
  }

  private callEvents(
    events: Array<Record<string, unknown> & { type: string }>,
    item: Item,
    output_index: number,
  ): void {
    const args = String(item.arguments);
    events.push({
      type: 'response.output_item.added',
      output_index,
      item: { ...item, status: 'in_progress', arguments: '' },
    });
    for (const delta of fragments(args))
      events.push({
        type: 'response.function_call_arguments.delta',
        item_id: item.id,
        output_index,
        delta,
      });
    events.push({
      type: 'response.function_call_arguments.done',
      item_id: item.id,
      output_index,
      arguments: args,
    });
    events.push({ type: 'response.output_item.done', output_index, item });
  }
}
