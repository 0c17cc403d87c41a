import type { ServerResponse } from 'node:http';
import type { FakeCopilotApi } from './fake-copilot-api';
import { Exchange, FakeTimers, json, nowMs, send } from './fake-http';

/**
 * What accounts on token-based billing get next to `usage` when
 * {@link FakeCopilotApi.copilotUsage} is on: `{total_nano_aiu, token_details}`
 * (1 AIU = 1e9 nano-AIU).
 */
const COPILOT_USAGE = { total_nano_aiu: 1234000, token_details: [] };

/** `usage` of a `/responses` answer, streamed (in `response.completed`) or not. */
const RESPONSES_USAGE = {
  input_tokens: 9,
  input_tokens_details: { cached_tokens: 1 },
  output_tokens: 3,
  total_tokens: 12,
};

/** One SSE event the Anthropic and Responses way: `event: <name>\ndata: <json>\n\n`. */
function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The body as a JSON object, or undefined when it is not one. */
function jsonBody<T extends object>(body: Buffer): T | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed)
      ? (parsed as T)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Copilot API's own routes, as it answers them on the wire. No `/v1` prefix except
 * for Anthropic messages. Every request must carry `Authorization: Bearer <copilot
 * token>` (else `401 unauthorized: token expired`, text/plain) and `Editor-Version`
 * (else `400 bad request: missing Editor-Version header for IDE auth`, text/plain).
 *
 * Every answer of an inference route (chat completions, messages, responses,
 * embeddings; streamed or not) carries `x-quota-snapshot-premium_interactions:
 * <value>` when {@link FakeCopilotApi.quotaSnapshot} is set, and `copilot_usage`
 * `{total_nano_aiu: 1234000, token_details: []}` next to `usage` when
 * {@link FakeCopilotApi.copilotUsage} is on.
 */
export class CopilotRoutes {
  constructor(
    private readonly fake: FakeCopilotApi,
    private readonly timers: FakeTimers,
  ) {}

  /** Answers a request to the Copilot API, `/_test/*` aside. */
  handle(ex: Exchange): void {
    const { req, res, url } = ex;
    const path = url.pathname;
    if (path === '/models' && req.method === 'GET') return this.models(ex);
    if (path === '/chat/completions' && req.method === 'POST')
      return this.chat(ex);
    if (path === '/embeddings' && req.method === 'POST')
      return this.embeddings(ex);
    if (path === '/responses' && req.method === 'POST')
      return this.responses(ex);
    if (path === '/v1/messages' && req.method === 'POST')
      return this.messages(ex);
    return json(res, 404, {
      error: { message: `no route ${path}`, type: 'not_found' },
    });
  }

  /**
   * Refuses what the real API refuses before routing: an unknown Copilot token, a
   * missing `Editor-Version`. Returns false when it has answered.
   */
  admit({ req, res }: Exchange): boolean {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!this.fake.copilotTokens.has(token)) {
      send(res, 401, 'unauthorized: token expired', 'text/plain');
      return false;
    }
    if (!req.headers['editor-version']) {
      send(
        res,
        400,
        'bad request: missing Editor-Version header for IDE auth',
        'text/plain',
      );
      return false;
    }
    return true;
  }

  /** The headers every inference answer carries: the premium quota snapshot, if set. */
  private quotaHeaders(): Record<string, string> {
    const snapshot = this.fake.quotaSnapshot;
    return snapshot === undefined
      ? {}
      : { 'x-quota-snapshot-premium_interactions': snapshot };
  }

  /** `{copilot_usage}` when {@link FakeCopilotApi.copilotUsage} is on, else `{}`. */
  private copilotUsage(): { copilot_usage?: typeof COPILOT_USAGE } {
    return this.fake.copilotUsage ? { copilot_usage: COPILOT_USAGE } : {};
  }

  /** Starts a `text/event-stream` answer with the inference headers. */
  private startStream(res: ServerResponse): void {
    res.writeHead(200, {
      ...this.quotaHeaders(),
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
    });
  }

  /**
   * `GET /models` → {@link MODELS}. Counted in {@link FakeCopilotApi.modelsRequests}
   * (by the fake, before the token check). Answers after
   * {@link FakeCopilotApi.modelsDelayMs}; when {@link FakeCopilotApi.modelsFailure}
   * is set, answers that status instead with `{"error":{"message":"fake models failure
   * <status>","code":"fake_models_failure"}}`, plus `retry-after: 5` for a 429.
   */
  private models({ res }: Exchange): void {
    const answer = (): void => {
      if (res.destroyed) return;
      const failure = this.fake.modelsFailure;
      if (!failure) return json(res, 200, MODELS);
      const { status } = failure;
      json(
        res,
        status,
        {
          error: {
            message: `fake models failure ${status}`,
            code: 'fake_models_failure',
          },
        },
        status === 429 ? { 'retry-after': '5' } : {},
      );
    };
    const delay = this.fake.modelsDelayMs;
    if (delay > 0) this.timers.later(delay, answer);
    else answer();
  }

  /**
   * `POST /chat/completions`, OpenAI format. A body that is not JSON gets 400
   * `{"error":{"message":"invalid JSON","type":"invalid_request_error"}}`.
   *
   * Not streamed: one `chat.completion` `{id, object, created, model, choices:
   * [{index, message: {role, content}, finish_reason}], usage: {prompt_tokens: 5,
   * completion_tokens: 4, total_tokens: 9, prompt_tokens_details: {cached_tokens: 2}},
   * copilot_usage?}`.
   *
   * With `"stream": true`: `text/event-stream` of `data: {json}\n\n` events: first
   * `{"choices":[],"created":0,"id":"","prompt_filter_results":[]}`, then
   * `x-fake-events` (5) content chunks `x-fake-interval-ms` (10) apart, each with
   * `content_filter_results` and `sent` (the fake's {@link nowMs}, to measure lag),
   * then a chunk with `finish_reason`, `usage` {`prompt_tokens: 5`, `completion_tokens`:
   * the number of content chunks, `total_tokens`, `prompt_tokens_details.cached_tokens:
   * 0`} and `copilot_usage` (when on), then `data: [DONE]\n\n`.
   */
  private chat({ req, res, record }: Exchange): void {
    const body = jsonBody<{ stream?: boolean; model?: string }>(record.body);
    if (!body) {
      return json(
        res,
        400,
        { error: { message: 'invalid JSON', type: 'invalid_request_error' } },
        this.quotaHeaders(),
      );
    }
    const model = body.model ?? 'gpt-4o';
    if (!body.stream) {
      return json(
        res,
        200,
        {
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          created: 1764000000,
          model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: 'Hello from the fake.' },
              finish_reason: 'stop',
            },
          ],
          usage: {
            prompt_tokens: 5,
            completion_tokens: 4,
            total_tokens: 9,
            prompt_tokens_details: { cached_tokens: 2 },
          },
          ...this.copilotUsage(),
        },
        this.quotaHeaders(),
      );
    }
    const events = Number(req.headers['x-fake-events'] ?? 5);
    const interval = Number(req.headers['x-fake-interval-ms'] ?? 10);
    this.startStream(res);
    res.write(
      `data: ${JSON.stringify({ choices: [], created: 0, id: '', prompt_filter_results: [] })}\n\n`,
    );
    let sent = 0;
    const next = (): void => {
      if (res.destroyed) return;
      if (sent === events) {
        const last = {
          id: 'chatcmpl-fake',
          object: 'chat.completion.chunk',
          model,
          choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
          usage: {
            prompt_tokens: 5,
            completion_tokens: events,
            total_tokens: 5 + events,
            prompt_tokens_details: { cached_tokens: 0 },
          },
          ...this.copilotUsage(),
        };
        res.write(`data: ${JSON.stringify(last)}\n\n`);
        res.end('data: [DONE]\n\n');
        return;
      }
      sent++;
      const chunk = {
        id: 'chatcmpl-fake',
        object: 'chat.completion.chunk',
        created: 1764000000,
        model,
        sent: nowMs(),
        choices: [
          {
            index: 0,
            delta: { content: `tok${sent} ` },
            content_filter_results: {},
          },
        ],
      };
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      this.timers.later(interval, next);
    };
    this.timers.later(interval, next);
  }

  /**
   * `POST /embeddings` `{input: string | string[], model}` → `{object: "list",
   * data: [{object: "embedding", index, embedding: […]}], model, usage:
   * {prompt_tokens, total_tokens}, copilot_usage?}` (one token per input).
   */
  private embeddings({ res, record }: Exchange): void {
    const body = JSON.parse(record.body.toString('utf8') || '{}') as {
      input?: string | string[];
      model?: string;
    };
    const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
    json(
      res,
      200,
      {
        object: 'list',
        data: inputs.map((_, index) => ({
          object: 'embedding',
          index,
          embedding: [0.1, 0.2, 0.3],
        })),
        model: body.model ?? 'text-embedding-3-small',
        usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
        ...this.copilotUsage(),
      },
      this.quotaHeaders(),
    );
  }

  /**
   * `POST /responses`, the OpenAI Responses API; `model` is the body's or `gpt-4.1`.
   * A body that is not JSON is answered as streamed with the default model.
   *
   * Streamed (unless the body has `"stream": false`): SSE events
   * `event: <type>\ndata: <json>\n\n`: `response.created` `{"type":"response.created"}`,
   * `response.output_text.delta` `{"type":"response.output_text.delta","delta":"Hi"}`,
   * `response.completed` `{"type":"response.completed","response":{"id":"resp_fake",
   * "status":"completed","model",usage,copilot_usage?}}`.
   *
   * With `"stream": false`: JSON `{"id":"resp_fake","object":"response","status":
   * "completed","model","output":[{"type":"message","id":"msg_fake","status":
   * "completed","role":"assistant","content":[{"type":"output_text","text":"Hi",
   * "annotations":[]}]}],usage,copilot_usage?}`.
   *
   * `usage` is `{"input_tokens":9,"input_tokens_details":{"cached_tokens":1},
   * "output_tokens":3,"total_tokens":12}` either way.
   */
  private responses({ res, record }: Exchange): void {
    const body =
      jsonBody<{ stream?: boolean; model?: string }>(record.body) ?? {};
    const model = typeof body.model === 'string' ? body.model : 'gpt-4.1';
    const response = {
      id: 'resp_fake',
      status: 'completed',
      model,
      usage: RESPONSES_USAGE,
      ...this.copilotUsage(),
    };
    if (body.stream === false) {
      const { id, status, usage, copilot_usage } = response;
      return json(
        res,
        200,
        {
          id,
          object: 'response',
          status,
          model,
          output: [
            {
              type: 'message',
              id: 'msg_fake',
              status: 'completed',
              role: 'assistant',
              content: [{ type: 'output_text', text: 'Hi', annotations: [] }],
            },
          ],
          usage,
          ...(copilot_usage && { copilot_usage }),
        },
        this.quotaHeaders(),
      );
    }
    res.writeHead(200, {
      ...this.quotaHeaders(),
      'content-type': 'text/event-stream',
    });
    res.write('event: response.created\ndata: {"type":"response.created"}\n\n');
    res.write(
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"Hi"}\n\n',
    );
    res.end(
      sseEvent('response.completed', { type: 'response.completed', response }),
    );
  }

  /**
   * `POST /v1/messages`, the Anthropic Messages format for Claude models.
   *
   * Not streamed (no `"stream": true`, or a body that is not JSON): one `message`
   * `{id: "msg_fake", type: "message", role: "assistant", model: "claude-sonnet-4",
   * content: [{type: "text", text}], stop_reason: "end_turn", usage: {input_tokens,
   * output_tokens: 6, cache_read_input_tokens: 0}, copilot_usage?}` whose
   * `usage.input_tokens` is the request body's length in bytes.
   *
   * With `"stream": true`: `text/event-stream` of `event: <name>\ndata: <json>\n\n`:
   * `message_start` `{"type":"message_start","message":{"id":"msg_fake","type":
   * "message","role":"assistant","model":<body model or claude-sonnet-4>,"content":[],
   * "usage":{"input_tokens":11,"output_tokens":1}}}`, `content_block_start`
   * `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
   * two `content_block_delta` `{"type":"content_block_delta","index":0,"delta":
   * {"type":"text_delta","text":…}}`, `content_block_stop`
   * `{"type":"content_block_stop","index":0}`, `message_delta` `{"type":
   * "message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":11,
   * "output_tokens":7,"cache_read_input_tokens":3},copilot_usage?}`, `message_stop`
   * `{"type":"message_stop"}`.
   */
  private messages({ res, record }: Exchange): void {
    const body = jsonBody<{ stream?: boolean; model?: string }>(record.body);
    if (body?.stream !== true) {
      return json(
        res,
        200,
        {
          id: 'msg_fake',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4',
          content: [{ type: 'text', text: 'Hello from the fake Claude.' }],
          stop_reason: 'end_turn',
          usage: {
            input_tokens: record.body.length,
            output_tokens: 6,
            cache_read_input_tokens: 0,
          },
          ...this.copilotUsage(),
        },
        this.quotaHeaders(),
      );
    }
    const model =
      typeof body.model === 'string' ? body.model : 'claude-sonnet-4';
    this.startStream(res);
    res.write(
      sseEvent('message_start', {
        type: 'message_start',
        message: {
          id: 'msg_fake',
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          usage: { input_tokens: 11, output_tokens: 1 },
        },
      }),
    );
    res.write(
      sseEvent('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }),
    );
    for (const text of ['Hello from', ' the fake Claude.']) {
      res.write(
        sseEvent('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text },
        }),
      );
    }
    res.write(
      sseEvent('content_block_stop', { type: 'content_block_stop', index: 0 }),
    );
    res.write(
      sseEvent('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn' },
        usage: {
          input_tokens: 11,
          output_tokens: 7,
          cache_read_input_tokens: 3,
        },
        ...this.copilotUsage(),
      }),
    );
    res.end(sseEvent('message_stop', { type: 'message_stop' }));
  }
}

/** `capabilities.limits.vision` of the models that take images. */
const VISION_LIMITS = {
  max_prompt_image_size: 3145728,
  max_prompt_images: 5,
  supported_media_types: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
};

/** A Claude model as `/models` lists it: premium, `/chat/completions` and `/v1/messages`. */
function claude(
  id: string,
  name: string,
  multiplier: number,
  limits: {
    max_context_window_tokens: number;
    max_output_tokens: number;
    max_prompt_tokens: number;
  },
) {
  return {
    id,
    name,
    object: 'model',
    vendor: 'Anthropic',
    version: id,
    preview: false,
    model_picker_enabled: true,
    billing: { is_premium: true, multiplier },
    policy: { state: 'enabled' },
    capabilities: {
      family: id,
      object: 'model_capabilities',
      type: 'chat',
      tokenizer: 'o200k_base',
      limits: { ...limits, vision: VISION_LIMITS },
      supports: {
        tool_calls: true,
        parallel_tool_calls: true,
        streaming: true,
        vision: true,
      },
    },
    supported_endpoints: ['/chat/completions', '/v1/messages'],
  };
}

/**
 * `GET /models`: the account's models in the API's shape, `{object: "list", data:
 * [{id, name, vendor, version, preview, model_picker_enabled, billing: {is_premium,
 * multiplier}, policy?: {state}, capabilities: {family, type, tokenizer, limits:
 * {max_context_window_tokens, max_output_tokens, max_prompt_tokens, vision?},
 * supports}, supported_endpoints}]}`. `gpt-4o` first (not premium, multiplier 1, no
 * `policy`), then `claude-sonnet-4` (premium ×1), `claude-opus-4` (premium ×10),
 * `claude-haiku-4.5` (premium ×0.33), `gpt-4.1` (not premium, ×0, `/chat/completions`
 * and `/responses`).
 */
const MODELS = {
  object: 'list',
  data: [
    {
      id: 'gpt-4o',
      name: 'GPT-4o',
      vendor: 'Azure OpenAI',
      version: 'gpt-4o-2024-11-20',
      preview: false,
      model_picker_enabled: true,
      billing: { is_premium: false, multiplier: 1 },
      capabilities: {
        family: 'gpt-4o',
        type: 'chat',
        tokenizer: 'o200k_base',
        limits: {
          max_context_window_tokens: 128000,
          max_output_tokens: 4096,
          max_prompt_tokens: 64000,
        },
        supports: {
          tool_calls: true,
          parallel_tool_calls: true,
          streaming: true,
        },
      },
      supported_endpoints: ['/chat/completions'],
    },
    claude('claude-sonnet-4', 'Claude Sonnet 4', 1, {
      max_context_window_tokens: 216000,
      max_output_tokens: 16000,
      max_prompt_tokens: 128000,
    }),
    claude('claude-opus-4', 'Claude Opus 4', 10, {
      max_context_window_tokens: 80000,
      max_output_tokens: 16000,
      max_prompt_tokens: 80000,
    }),
    claude('claude-haiku-4.5', 'Claude Haiku 4.5', 0.33, {
      max_context_window_tokens: 144000,
      max_output_tokens: 16000,
      max_prompt_tokens: 128000,
    }),
    {
      id: 'gpt-4.1',
      name: 'GPT-4.1',
      object: 'model',
      vendor: 'Azure OpenAI',
      version: 'gpt-4.1-2025-04-14',
      preview: false,
      model_picker_enabled: true,
      billing: { is_premium: false, multiplier: 0 },
      policy: { state: 'enabled' },
      capabilities: {
        family: 'gpt-4.1',
        object: 'model_capabilities',
        type: 'chat',
        tokenizer: 'o200k_base',
        limits: {
          max_context_window_tokens: 128000,
          max_output_tokens: 16384,
          max_prompt_tokens: 128000,
          vision: VISION_LIMITS,
        },
        supports: {
          tool_calls: true,
          parallel_tool_calls: true,
          streaming: true,
          structured_outputs: true,
          vision: true,
        },
      },
      supported_endpoints: ['/chat/completions', '/responses'],
    },
  ],
};
