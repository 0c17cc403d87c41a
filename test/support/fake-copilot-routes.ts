import { Exchange, FakeTimers, json, nowMs, send } from './fake-http';

/**
 * The Copilot API's own routes, as it answers them on the wire. No `/v1` prefix except
 * for Anthropic messages. Every request must carry `Authorization: Bearer <copilot
 * token>` (else `401 unauthorized: token expired`, text/plain) and `Editor-Version`
 * (else `400 bad request: missing Editor-Version header for IDE auth`, text/plain).
 */
export class CopilotRoutes {
  constructor(
    private readonly copilotTokens: Set<string>,
    private readonly timers: FakeTimers,
  ) {}

  /** Answers a request to the Copilot API, `/_test/*` aside. */
  handle(ex: Exchange): void {
    const { req, res, url } = ex;
    const path = url.pathname;
    if (path === '/models' && req.method === 'GET')
      return json(res, 200, MODELS);
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
    if (!this.copilotTokens.has(token)) {
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

  /**
   * `POST /chat/completions`, OpenAI format. Not streamed: one `chat.completion` with
   * `usage` at the top level. With `"stream": true`: `text/event-stream` of
   * `data: {json}\n\n` events: first `{"choices":[],"created":0,"id":"",
   * "prompt_filter_results":[]}`, then `x-fake-events` (5) content chunks
   * `x-fake-interval-ms` (10) apart, each with `content_filter_results` and `sent` (the
   * fake's {@link nowMs}, to measure lag), then a chunk with `finish_reason` and `usage`
   * (`prompt_tokens_details.cached_tokens` included), then `data: [DONE]\n\n`.
   */
  private chat({ req, res, record }: Exchange): void {
    let body: { stream?: boolean; model?: string } = {};
    try {
      body = JSON.parse(record.body.toString('utf8'));
    } catch {
      return json(res, 400, {
        error: { message: 'invalid JSON', type: 'invalid_request_error' },
      });
    }
    const model = body.model ?? 'gpt-4o';
    if (!body.stream) {
      return json(res, 200, {
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
        usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
      });
    }
    const events = Number(req.headers['x-fake-events'] ?? 5);
    const interval = Number(req.headers['x-fake-interval-ms'] ?? 10);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
    });
    res.write(
      `data: ${JSON.stringify({ choices: [], created: 0, id: '', prompt_filter_results: [] })}\n\n`,
    );
    let sent = 0;
    const next = (): void => {
      if (res.destroyed) return;
      if (sent === events) {
        res.write(
          `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: events, total_tokens: 5 + events, prompt_tokens_details: { cached_tokens: 0 } } })}\n\n`,
        );
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
   * data: [{object: "embedding", index, embedding: […]}], model, usage}`.
   */
  private embeddings({ res, record }: Exchange): void {
    const body = JSON.parse(record.body.toString('utf8') || '{}') as {
      input?: string | string[];
      model?: string;
    };
    const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
    json(res, 200, {
      object: 'list',
      data: inputs.map((_, index) => ({
        object: 'embedding',
        index,
        embedding: [0.1, 0.2, 0.3],
      })),
      model: body.model ?? 'text-embedding-3-small',
      usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
    });
  }

  /**
   * `POST /responses`, the OpenAI Responses API, always streamed: SSE events
   * `response.created`, `response.output_text.delta`, `response.completed`.
   */
  private responses({ res }: Exchange): void {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: response.created\ndata: {"type":"response.created"}\n\n');
    res.write(
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"Hi"}\n\n',
    );
    res.end(
      'event: response.completed\ndata: {"type":"response.completed"}\n\n',
    );
  }

  /**
   * `POST /v1/messages`, the Anthropic Messages format for Claude models: one
   * `message` whose `usage.input_tokens` is the request body's length in bytes.
   */
  private messages({ res, record }: Exchange): void {
    json(res, 200, {
      id: 'msg_fake',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4',
      content: [{ type: 'text', text: 'Hello from the fake Claude.' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: record.body.length, output_tokens: 6 },
    });
  }
}

/** `GET /models`: the account's models, one here, in the API's shape. */
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
  ],
};
