import { Exchange, json, nowMs } from './fake-http';
import {
  fragments,
  Inference,
  intervalOf,
  jsonBody,
  newId,
  sseData,
  StreamPart,
} from './fake-inference';
import { chatPlan, Plan } from './fake-turns';

const ID = 'chatcmpl-fake';
const CREATED = 1764000000;

/**
 * `POST /chat/completions`, OpenAI format; `model` is the body's (checked against
 * `/models`) or `gpt-4o`. A body that is not JSON gets 400
 * `{"error":{"message":"invalid JSON","type":"invalid_request_error"}}`. What it
 * says follows {@link chatPlan}: `Hello from the fake.` (streamed: `tok1 tok2 …`),
 * `Tool said: …` after tool results, or tool calls (`call_…` ids) for the
 * `USE_TOOL…` markers.
 *
 * Not streamed: one `chat.completion` `{id, object, created, model, choices:
 * [{index, message: {role, content, tool_calls?: [{id, type: "function", function:
 * {name, arguments}}]}, finish_reason: "stop" | "tool_calls"}], usage:
 * {prompt_tokens: 5, completion_tokens: 4, total_tokens: 9, prompt_tokens_details:
 * {cached_tokens: 2}}, copilot_usage?}`.
 *
 * With `"stream": true`: `text/event-stream` of `data: {json}\n\n` events `x-fake-
 * interval-ms` (10) apart: first `{"choices":[],"created":0,"id":"",
 * "prompt_filter_results":[]}`; then content chunks (`x-fake-events` (5) `tokN `
 * ones for the usual text), each with `content_filter_results` and `sent` (the
 * fake's {@link nowMs}, to measure lag), the first delta with `role: "assistant"`;
 * then per tool call a delta `{tool_calls: [{index, id, type: "function", function:
 * {name, arguments: ""}}]}` and its arguments in 3 `{tool_calls: [{index, function:
 * {arguments}}]}` fragments; then a chunk with `finish_reason` and `usage`
 * {`prompt_tokens: 5`, `completion_tokens`: the number of chunks since the first,
 * `total_tokens`, `prompt_tokens_details.cached_tokens: 0`} and `copilot_usage`
 * (when on); then `data: [DONE]\n\n`.
 */
export class ChatRoute {
  constructor(private readonly inference: Inference) {}

  handle(ex: Exchange): void {
    const inference = this.inference;
    const body = jsonBody(ex.record.body);
    if (!body) {
      inference.served(ex, undefined, 400, false);
      return json(
        ex.res,
        400,
        { error: { message: 'invalid JSON', type: 'invalid_request_error' } },
        inference.quotaHeaders(),
      );
    }
    const stream = Boolean(body.stream);
    const path = '/chat/completions';
    const model = inference.model(ex, path, body.model, 'gpt-4o', stream);
    if (model === undefined) return;
    inference.served(ex, model, 200, stream);
    const plan = chatPlan(body);
    if (stream) this.streamed(ex, model, plan);
    else this.plain(ex, model, plan);
  }

  private plain({ res }: Exchange, model: string, plan: Plan): void {
    const calls = plan.calls.map((call) => ({
      id: newId('call_'),
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
    const message =
      calls.length > 0
        ? { role: 'assistant', content: plan.text ?? null, tool_calls: calls }
        : { role: 'assistant', content: plan.text ?? 'Hello from the fake.' };
    json(
      res,
      200,
      {
        id: ID,
        object: 'chat.completion',
        created: CREATED,
        model,
        choices: [
          {
            index: 0,
            message,
            finish_reason: calls.length > 0 ? 'tool_calls' : 'stop',
          },
        ],
        usage: {
          prompt_tokens: 5,
          completion_tokens: 4,
          total_tokens: 9,
          prompt_tokens_details: { cached_tokens: 2 },
        },
        ...this.inference.copilotUsage(),
      },
      this.inference.quotaHeaders(),
    );
  }

  private streamed(ex: Exchange, model: string, plan: Plan): void {
    const events = Number(ex.req.headers['x-fake-events'] ?? 5);
    const deltas: object[] = [];
    const texts =
      plan.text !== undefined
        ? fragments(plan.text)
        : plan.calls.length > 0
          ? []
          : Array.from({ length: events }, (_, i) => `tok${i + 1} `);
    for (const content of texts) deltas.push({ content });
    plan.calls.forEach((call, index) => {
      deltas.push({
        tool_calls: [
          {
            index,
            id: newId('call_'),
            type: 'function',
            function: { name: call.name, arguments: '' },
          },
        ],
      });
      for (const piece of fragments(call.arguments))
        deltas.push({
          tool_calls: [{ index, function: { arguments: piece } }],
        });
    });
    if (deltas.length > 0) {
      deltas[0] = {
        role: 'assistant',
        ...(texts.length === 0 && { content: null }),
        ...deltas[0],
      };
    }
    // `x-fake-stamp-content: 1` puts the send time in the text too (`sent@<ms> `),
    // so the lag of a stream the bridge translates can be read on the client side.
    const stamp = ex.req.headers['x-fake-stamp-content'] === '1';
    const chunk = (delta: object) => {
      const sent = nowMs();
      const stamped =
        stamp && typeof (delta as { content?: unknown }).content === 'string'
          ? { ...delta, content: `sent@${sent} ` }
          : delta;
      return {
        id: ID,
        object: 'chat.completion.chunk',
        created: CREATED,
        model,
        sent,
        choices: [{ index: 0, delta: stamped, content_filter_results: {} }],
      };
    };
    const last = {
      id: ID,
      object: 'chat.completion.chunk',
      model,
      choices: [
        {
          index: 0,
          delta: {},
          finish_reason: plan.calls.length > 0 ? 'tool_calls' : 'stop',
        },
      ],
      usage: {
        prompt_tokens: 5,
        completion_tokens: deltas.length,
        total_tokens: 5 + deltas.length,
        prompt_tokens_details: { cached_tokens: 0 },
      },
      ...this.inference.copilotUsage(),
    };
    const parts: StreamPart[] = [
      () =>
        sseData({
          choices: [],
          created: 0,
          id: '',
          prompt_filter_results: [],
        }),
      ...deltas.map((delta) => () => sseData(chunk(delta))),
      () => `${sseData(last)}data: [DONE]\n\n`,
    ];
    this.inference.stream(ex.res, parts, intervalOf(ex) ?? 10);
  }
}
