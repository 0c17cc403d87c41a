import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the fake saw of one request. */
export interface RecordedRequest {
  method: string;
  url: string;
  rawHeaders: string[];
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The client (the proxy) closed the connection before the answer was complete. */
  aborted: boolean;
}

export interface FakeOptions {
  /** Copilot tokens the API accepts. */
  copilotTokens?: string[];
  /** GitHub tokens the token endpoint exchanges. */
  githubTokens?: string[];
  tokenLifetimeSeconds?: number;
  refreshInSeconds?: number;
  /** `endpoints.api` in the token answer; defaults to this server. */
  endpointsApi?: string;
  /** Device flow: how many polls answer `authorization_pending` first. */
  devicePendingPolls?: number;
  /** Device flow: answer `slow_down` on the first poll. */
  deviceSlowDown?: boolean;
  deviceInterval?: number;
  /** The access token the device flow hands out. */
  deviceAccessToken?: string;
  /** Keep no request records (the benchmark: millions of requests). */
  recordRequests?: boolean;
}

/** The wall clock with sub-millisecond precision, comparable across processes. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * A fake of the Copilot API and of the GitHub endpoints it depends on, on a real
 * loopback socket, shaped after `shared/COPILOT-API.md`. Besides the real routes it
 * has `/_test/*` routes that misbehave on purpose (stalls, resets, odd headers).
 */
export class FakeCopilotApi extends EventEmitter {
  readonly requests: RecordedRequest[] = [];
  readonly copilotTokens: Set<string>;
  readonly githubTokens: Set<string>;
  tokenExchanges = 0;
  devicePolls: number[] = [];
  private tokenSerial = 0;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly options: FakeOptions = {}) {
    super();
    this.copilotTokens = new Set(
      options.copilotTokens ?? ['test-copilot-token'],
    );
    this.githubTokens = new Set(options.githubTokens ?? []);
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer({ keepAliveTimeout: 60_000 }, (req, res) =>
      this.handle(req, res),
    );
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) =>
      this.server!.listen(port, '127.0.0.1', resolve),
    );
    return this;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>(
      (resolve) => this.server?.close(() => resolve()) ?? resolve(),
    );
  }

  /** Makes every Copilot token issued so far invalid (the API then answers 401). */
  revokeCopilotTokens(): void {
    this.copilotTokens.clear();
  }

  /** Resolves when a request to `path` has been aborted by its client. */
  waitForAbort(path: string, timeoutMs = 5000): Promise<RecordedRequest> {
    const found = this.requests.find(
      (r) => r.url.startsWith(path) && r.aborted,
    );
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no abort of ${path} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const listener = (request: RecordedRequest) => {
        if (!request.url.startsWith(path)) return;
        clearTimeout(timer);
        this.off('aborted', listener);
        resolve(request);
      };
      this.on('aborted', listener);
    });
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    const record: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      rawHeaders: req.rawHeaders,
      headers: req.headers,
      body: Buffer.alloc(0),
      aborted: false,
    };
    if (this.options.recordRequests !== false) this.requests.push(record);
    res.once('close', () => {
      if (!res.writableFinished) {
        record.aborted = true;
        this.emit('aborted', record);
      }
    });
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => {
      record.body = Buffer.concat(chunks);
      this.emit('request', record);
      this.route(req, res, record);
    });
  }

  private route(
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
  ): void {
    const url = new URL(record.url, 'http://fake');
    const path = url.pathname;

    // GitHub endpoints.
    if (path === '/copilot_internal/v2/token')
      return this.tokenExchange(req, res);
    if (path === '/login/device/code') return this.deviceCode(res, record);
    if (path === '/login/oauth/access_token')
      return this.deviceAccessToken(res, record);

    // Copilot API: the token, then the editor headers, as the real API checks them.
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!this.copilotTokens.has(token)) {
      return send(res, 401, 'unauthorized: token expired', 'text/plain');
    }
    if (!req.headers['editor-version']) {
      return send(
        res,
        400,
        'bad request: missing Editor-Version header for IDE auth',
        'text/plain',
      );
    }

    if (path.startsWith('/_test/'))
      return this.testRoute(path, url, req, res, record);
    if (path === '/models' && req.method === 'GET')
      return json(res, 200, MODELS);
    if (path === '/chat/completions' && req.method === 'POST')
      return this.chat(req, res, record);
    if (path === '/embeddings' && req.method === 'POST')
      return this.embeddings(res, record);
    if (path === '/responses' && req.method === 'POST')
      return this.responses(res);
    if (path === '/v1/messages' && req.method === 'POST')
      return this.messages(res, record);
    return json(res, 404, {
      error: { message: `no route ${path}`, type: 'not_found' },
    });
  }

  private chat(
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
  ): void {
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
      this.later(interval, next);
    };
    this.later(interval, next);
  }

  private embeddings(res: ServerResponse, record: RecordedRequest): void {
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

  private responses(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: response.created\ndata: {"type":"response.created"}\n\n');
    res.write(
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"Hi"}\n\n',
    );
    res.end(
      'event: response.completed\ndata: {"type":"response.completed"}\n\n',
    );
  }

  private messages(res: ServerResponse, record: RecordedRequest): void {
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

  private testRoute(
    path: string,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
  ): void {
    const [, , name, arg] = path.split('/');
    switch (name) {
      case 'echo':
        return json(res, 200, {
          method: record.method,
          url: record.url,
          rawHeaders: record.rawHeaders,
          bodyLength: record.body.length,
          bodySha256: createHash('sha256').update(record.body).digest('hex'),
        });
      case 'status': {
        const status = Number(arg);
        if (url.searchParams.has('text'))
          return send(res, status, `plain failure ${status}`, 'text/plain');
        return json(
          res,
          status,
          { error: { message: `fake failure ${status}`, code: 'fake_code' } },
          { 'retry-after': '7' },
        );
      }
      case 'stall-headers':
        return; // never answers
      case 'stall-body':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"first":true}\n\n');
        return; // then silence
      case 'reset':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"before":"reset"}\n\n');
        this.later(50, () => req.socket.destroy());
        return;
      case 'bytes': {
        const size = Number(arg);
        const body = Buffer.alloc(size);
        for (let i = 0; i < size; i++) body[i] = i % 251;
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': size,
        });
        res.end(body);
        return;
      }
      case 'headers':
        res.writeHead(200, [
          'Content-Type',
          'application/json',
          'Connection',
          'keep-alive, X-Hop-Header',
          'X-Hop-Header',
          'must-not-pass',
          'Keep-Alive',
          'timeout=5',
          'Proxy-Authenticate',
          'Basic',
          'Upgrade',
          'h2c',
          'Set-Cookie',
          'a=1',
          'Set-Cookie',
          'b=2',
          'X-Custom-Case',
          'Kept',
          'X-Request-Id',
          'upstream-own-id',
        ]);
        res.end('{"ok":true}');
        return;
      case 'sse': {
        const events = Number(url.searchParams.get('events') ?? 10);
        const interval = Number(url.searchParams.get('interval') ?? 20);
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let sent = 0;
        const next = (): void => {
          if (res.destroyed) return;
          if (sent === events) return void res.end('data: [DONE]\n\n');
          sent++;
          res.write(`data: {"n":${sent},"sent":${nowMs()}}\n\n`);
          this.later(interval, next);
        };
        next();
        return;
      }
      default:
        return json(res, 404, { error: { message: `no test route ${name}` } });
    }
  }

  private tokenExchange(req: IncomingMessage, res: ServerResponse): void {
    const auth = req.headers.authorization ?? '';
    const githubToken = auth.startsWith('token ') ? auth.slice(6) : '';
    if (!this.githubTokens.has(githubToken)) {
      return json(res, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
      });
    }
    this.tokenExchanges++;
    const lifetime = this.options.tokenLifetimeSeconds ?? 1800;
    const expiresAt = Math.floor(Date.now() / 1000) + lifetime;
    const token = `tid=fake-${++this.tokenSerial};exp=${expiresAt};sku=free;proxy-ep=proxy.fake`;
    this.copilotTokens.add(token);
    json(res, 200, {
      token,
      expires_at: expiresAt,
      refresh_in: this.options.refreshInSeconds ?? Math.max(1, lifetime - 300),
      endpoints: {
        api: this.options.endpointsApi ?? this.url,
        proxy: this.url,
        telemetry: this.url,
      },
      chat_enabled: true,
      sku: 'free',
    });
  }

  private deviceCode(res: ServerResponse, record: RecordedRequest): void {
    const params = parseBody(record);
    if (params.client_id !== 'Iv1.b507a08c87ecfe98')
      return json(res, 400, { error: 'unknown client' });
    json(res, 200, {
      device_code: 'fake-device-code',
      user_code: 'ABCD-1234',
      verification_uri: 'https://github.com/login/device',
      expires_in: 900,
      interval: this.options.deviceInterval ?? 1,
    });
  }

  private deviceAccessToken(
    res: ServerResponse,
    record: RecordedRequest,
  ): void {
    const params = parseBody(record);
    this.devicePolls.push(Date.now());
    if (
      params.device_code !== 'fake-device-code' ||
      params.grant_type !== 'urn:ietf:params:oauth:grant-type:device_code'
    ) {
      return json(res, 200, { error: 'incorrect_device_code' });
    }
    const poll = this.devicePolls.length;
    if (this.options.deviceSlowDown && poll === 1) {
      return json(res, 200, {
        error: 'slow_down',
        interval: (this.options.deviceInterval ?? 1) + 5,
      });
    }
    if (
      poll <=
      (this.options.devicePendingPolls ?? 1) +
        (this.options.deviceSlowDown ? 1 : 0)
    ) {
      return json(res, 200, { error: 'authorization_pending' });
    }
    const accessToken =
      this.options.deviceAccessToken ?? 'gho_fakeDeviceFlowToken';
    this.githubTokens.add(accessToken);
    json(res, 200, {
      access_token: accessToken,
      token_type: 'bearer',
      scope: 'read:user',
    });
  }
}

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

function parseBody(record: RecordedRequest): Record<string, string> {
  const text = record.body.toString('utf8');
  if ((record.headers['content-type'] ?? '').includes('json')) {
    try {
      return JSON.parse(text) as Record<string, string>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  send(res, status, JSON.stringify(body), 'application/json', headers);
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  type: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
