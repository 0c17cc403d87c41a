import { ClientRequest, request as httpRequest } from 'node:http';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { HeldUpstream } from './support/held-upstream';
import { keysFile } from './support/keys-file';
import { RedisServer } from './support/redis-server';
import { AnswerBudget } from '../src/http/answer-budget';
import { o200kLoaded } from '../src/inspection/o200k-encoder';
import { MetricsServer } from '../src/metrics/metrics-server';
import { rawRequest, RawResponse, waitFor } from './support/http-client';
import { SpawnedApp, spawnApp } from './support/spawn-app';
import {
  emptyConfigHome,
  FIXTURE_COPILOT_TOKEN,
  redisConnected,
  startApp,
  TestApp,
} from './support/test-app';

/**
 * Issue 24, "Hardening": one request must never crash, stall or overspend the
 * gateway. Each test fails without the fix it names.
 */

const JSON_TYPE = { 'content-type': 'application/json' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Chat body for the responses-only `gpt-5.1-codex` (translated), with `extra` keys. */
function chatWith(extra: string, stream = false): string {
  const body = JSON.stringify({
    model: 'gpt-5.1-codex',
    stream,
    messages: [{ role: 'user', content: 'hi' }],
  });
  return `${body.slice(0, -1)},${extra}}`;
}

async function monthRequests(url: string): Promise<number> {
  const res = await rawRequest(`${url}/usage`);
  const month = (
    JSON.parse(res.body.toString()) as {
      periods: Array<{ period: string; totals: { requests: number } }>;
    }
  ).periods.find((p) => p.period === 'month')!;
  return month.totals.requests;
}

/** Waits until the month counts `requests` requests (usage is written as answers end). */
async function settledRequests(url: string, requests: number) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const counted = await monthRequests(url);
    if (counted >= requests || Date.now() > deadline) return counted;
    await sleep(20);
  }
}

describe('issue 24: hardening (a real process)', () => {
  let fake: FakeCopilotApi;
  let app: SpawnedApp;

  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
    app = await spawnApp({
      COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      PROXY_HOST: '127.0.0.1',
      XDG_CONFIG_HOME: emptyConfigHome(),
    });
  });
  afterAll(async () => {
    app?.proc.kill('SIGKILL');
    await fake?.stop();
  });

  const alive = async () => {
    const res = await rawRequest(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(app.proc.exitCode).toBeNull();
  };

  describe('1. an ignored field name outside printable ASCII', () => {
    const NAMES = [
      '\\u0100',
      'a\\r\\nSet-Cookie: x=1',
      'nul\\u0000',
      '\\ud800',
    ];

    it.each([false, true])(
      'answers (stream: %s), names it percent-encoded, meters the call, and the process lives',
      async (stream) => {
        const before = await monthRequests(app.url);
        const res: RawResponse = await rawRequest(
          `${app.url}/v1/chat/completions`,
          {
            method: 'POST',
            headers: JSON_TYPE,
            body: chatWith(NAMES.map((n) => `"${n}":1`).join(','), stream),
          },
        );
        expect(res.status).toBe(200);
        expect(res.headers['x-copilot-bridge']).toBe('chat->responses');
        expect(res.headers['x-bridge-ignored']).toBe(
          '%C4%80, a%0D%0ASet-Cookie:%20x=1, nul%00, %EF%BF%BD',
        );
        expect(res.headers['set-cookie']).toBeUndefined();
        await alive();
        expect(await settledRequests(app.url, before + 1)).toBe(before + 1);
      },
    );
  });

  describe('4. tool-call arguments nested past the stack in an upstream answer', () => {
    const deep = (levels: number) =>
      '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
    const ARGS = deep(20_000);
    const messages = (model: string, stream = false) =>
      JSON.stringify({
        model,
        max_tokens: 64,
        stream,
        messages: [{ role: 'user', content: 'hi' }],
      });

    it.each([
      [
        'messages->chat',
        'gemini-2.5-pro',
        '/chat/completions',
        {
          id: 'chatcmpl-deep',
          object: 'chat.completion',
          model: 'gemini-2.5-pro',
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: null,
                tool_calls: [
                  {
                    id: 'call_deep',
                    type: 'function',
                    function: { name: 'f', arguments: ARGS },
                  },
                ],
              },
              finish_reason: 'tool_calls',
            },
          ],
          usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
        },
      ],
      [
        'messages->responses',
        'gpt-5.1-codex',
        '/responses',
        {
          id: 'resp_deep',
          object: 'response',
          status: 'completed',
          model: 'gpt-5.1-codex',
          output: [
            {
              type: 'function_call',
              id: 'fc_deep',
              call_id: 'call_deep',
              name: 'f',
              arguments: ARGS,
              status: 'completed',
            },
          ],
          usage: { input_tokens: 5, output_tokens: 1, total_tokens: 6 },
        },
      ],
    ])(
      '%s: answers a 502 in Anthropic shape, and the process lives',
      async (direction, model, path, answer) => {
        const before = await monthRequests(app.url);
        fake.script(path, {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(answer),
        });
        const res = await rawRequest(`${app.url}/v1/messages`, {
          method: 'POST',
          headers: JSON_TYPE,
          body: messages(model),
        });
        expect(res.headers['x-copilot-bridge']).toBe(direction);
        expect(res.status).toBe(502);
        expect(JSON.parse(res.body.toString())).toEqual({
          type: 'error',
          error: {
            type: 'api_error',
            message: expect.stringMatching(/could not be translated/),
          },
        });
        await alive();
        expect(await settledRequests(app.url, before + 1)).toBe(before + 1);
      },
    );
  });

  describe('2. many unknown keys', () => {
    it('120,000 distinct keys: a bounded header and log list, and /healthz answers meanwhile', async () => {
      const extra = Array.from({ length: 120_000 }, (_, i) => `"k${i}":1`);
      const sent = rawRequest(`${app.url}/v1/chat/completions`, {
        method: 'POST',
        headers: JSON_TYPE,
        body: chatWith(extra.join(','), true),
      });
      const [res] = await Promise.all([sent, alive()]);
      expect(res.status).toBe(200);
      const header = res.headers['x-bridge-ignored'] as string;
      expect(header.length).toBeLessThanOrEqual(512);
      const names = header.split(', ');
      expect(names.slice(0, 20)).toEqual(
        Array.from({ length: 20 }, (_, i) => `k${i}`),
      );
      expect(names[20]).toBe('+119980 more');
      await alive();
      // The request's log line names the same bounded list.
      await waitFor(() => app.stdout().includes('+119980 more'));
      const line = app
        .stdout()
        .split('\n')
        .find((l) => l.includes('+119980 more'));
      expect(line).toBeDefined();
      expect(line!.length).toBeLessThan(4096);
    });
  });
});

/** A chat answer that reports 0.3 AIU, as Copilot's `copilot_usage` does. */
const CHAT_03_AIU = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'gpt-4o',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'ok' },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  copilot_usage: { total_nano_aiu: 300_000_000, token_details: [] },
});

describe.each(['memory', 'redis'])(
  '3. a credits budget under parallel calls (usage in %s)',
  (store) => {
    const FIRST = 'sk-credits-first-000001';
    const LEARNED = 'sk-credits-learned-0002';
    let fake: FakeCopilotApi;
    let upstream: HeldUpstream;
    let redis: RedisServer | undefined;
    let proxy: TestApp;
    let holding = false;
    const open: ClientRequest[] = [];

    beforeAll(async () => {
      fake = await new FakeCopilotApi().start();
      upstream = await new HeldUpstream(
        fake.url,
        (req) =>
          holding && req.method === 'POST' && req.url === '/chat/completions',
      ).start();
      if (store === 'redis') redis = await RedisServer.start();
      proxy = await startApp({
        COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
        COPILOT_API_BASE_URL: upstream.url,
        PROXY_KEYS_FILE: keysFile(`keys:
  - name: first
    key: ${FIRST}
    quota: { period: day, credits: 1 }
  - name: learned
    key: ${LEARNED}
    quota: { period: day, credits: 1 }
`),
        ...(redis && { REDIS_URL: redis.url }),
      });
      if (redis) await waitFor(() => redisConnected(proxy));
    });
    afterAll(async () => {
      for (const req of open) req.destroy();
      await proxy?.close();
      await upstream?.stop();
      await redis?.stop();
      await fake?.stop();
    });

    /** Sends a chat call; resolves with its status when answered (a held one never is). */
    const call = (key: string) =>
      new Promise<number>((resolve) => {
        const body = JSON.stringify({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'Hi' }],
        });
        const url = new URL(`${proxy.url}/v1/chat/completions`);
        const req = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: {
              ...JSON_TYPE,
              authorization: `Bearer ${key}`,
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', () => undefined);
        open.push(req);
        req.end(body);
      });

    /** 20 calls at once, upstream holding them: how many went upstream. */
    async function twentyAtOnce(key: string): Promise<number> {
      const before = upstream.held.length;
      let refused = 0;
      for (let i = 0; i < 20; i++)
        void call(key).then((status) => {
          expect(status).toBe(429);
          refused++;
        });
      await waitFor(() => upstream.held.length - before + refused === 20);
      return upstream.held.length - before;
    }

    it("admits one call at a time while the model's credit rate is unknown", async () => {
      holding = true;
      expect(await twentyAtOnce(FIRST)).toBe(1);
    });

    it('admits at most what the learned rate says fits in the budget', async () => {
      holding = false;
      fake.script('/chat/completions', {
        headers: { 'content-type': 'application/json' },
        body: CHAT_03_AIU,
      });
      expect(await call(LEARNED)).toBe(200);
      await waitFor(async () => {
        const res = await rawRequest(`${proxy.url}/usage`, {
          headers: { authorization: `Bearer ${LEARNED}` },
        });
        const day = (
          JSON.parse(res.body.toString()) as {
            periods: Array<{ period: string; credits: number }>;
          }
        ).periods.find((p) => p.period === 'day')!;
        return day.credits > 0;
      });
      holding = true;
      // 0.3 AIU used, 0.3 a call: two more fit in 1 AIU, not three.
      expect(await twentyAtOnce(LEARNED)).toBe(2);
    });
  },
);

describe('6. /metrics: series by key name only where usage of every key may be read', () => {
  const ADMIN = 'sk-metrics-admin-000001';
  const ALICE = 'sk-metrics-alice-000002';
  const KEYS = `keys:
  - name: admin
    key: ${ADMIN}
    readAllUsage: true
  - name: alice
    key: ${ALICE}
`;
  let fake: FakeCopilotApi;
  let main: TestApp;
  let separate: TestApp;
  const PER_KEY =
    /^copilot_proxy_(tokens|premium_requests|credits|quota_rejections)_total/m;

  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
    const env = {
      COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      PROXY_KEYS_FILE: keysFile(KEYS),
    };
    main = await startApp(env);
    separate = await startApp({ ...env, METRICS_PORT: '0' });
    for (const app of [main, separate]) {
      const res = await rawRequest(`${app.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...JSON_TYPE, authorization: `Bearer ${ALICE}` },
        body: JSON.stringify({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'Hi' }],
        }),
      });
      expect(res.status).toBe(200);
    }
  });
  afterAll(async () => {
    await main?.close();
    await separate?.close();
    await fake?.stop();
  });

  const scrape = async (url: string, key?: string) => {
    const res = await rawRequest(`${url}/metrics`, {
      headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
    });
    return { status: res.status, text: res.body.toString() };
  };

  it('the main port gives no one without the right a key name or figure', async () => {
    await waitFor(async () =>
      /key="alice"/.test((await scrape(main.url, ADMIN)).text),
    );
    for (const key of [undefined, ALICE]) {
      const { status, text } = await scrape(main.url, key);
      expect(status).toBe(200);
      expect(text).toContain('copilot_proxy_requests_total');
      expect(text).not.toMatch(PER_KEY);
      expect(text).not.toContain('alice');
    }
  });

  it('a key with readAllUsage gets them on the main port', async () => {
    const { text } = await scrape(main.url, ADMIN);
    expect(text).toMatch(
      /^copilot_proxy_premium_requests_total\{key="alice",model="gpt-4o"\} 1$/m,
    );
  });

  it('a wrong key is refused as anywhere, and counted', async () => {
    expect((await scrape(main.url, 'sk-metrics-wrong-0003')).status).toBe(401);
  });

  it('the metrics port (METRICS_PORT) gives every series', async () => {
    const port = separate.app.get(MetricsServer).address!.port;
    await waitFor(async () =>
      /key="alice"/.test((await scrape(`http://127.0.0.1:${port}`)).text),
    );
    const { text } = await scrape(`http://127.0.0.1:${port}`);
    expect(text).toMatch(PER_KEY);
    expect(text).toContain('copilot_proxy_requests_total');
  });
});

describe('7. low items', () => {
  const ALICE = 'sk-low-alice-00000001';
  const SHAPED = 'sk-low-shaped-0000002';
  let fake: FakeCopilotApi;
  let proxy: TestApp;
  const post = (path: string, body: object) =>
    rawRequest(proxy.url + path, {
      method: 'POST',
      headers: { ...JSON_TYPE, authorization: `Bearer ${SHAPED}` },
      body: JSON.stringify(body),
    });
  const initiatorSent = (path: string) =>
    fake.lastRequest(path)!.headers['x-initiator'];
  const toolTurn = (id: string) => ({
    model: 'gpt-4o',
    messages: [
      { role: 'user', content: 'run it' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id, type: 'function', function: { name: 'f', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: id, content: 'done' },
    ],
  });

  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
    proxy = await startApp({
      COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      PROXY_KEYS_FILE: keysFile(
        `keys:\n  - name: alice\n    key: ${ALICE}\n  - name: shaped\n    key: ${SHAPED}\n    initiator: infer\n`,
      ),
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await fake?.stop();
  });

  it('the count_tokens tokenizer is loaded before the server listens', () => {
    // No count was asked for: loaded by the start, not by a first count.
    expect(o200kLoaded()).toBe(true);
  });

  it.each(['/usage', '/usage/history'])(
    '%s is never cached, and varies by key',
    async (path) => {
      const res = await rawRequest(proxy.url + path, {
        headers: { authorization: `Bearer ${ALICE}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.vary).toBe('Authorization, x-api-key');
    },
  );

  describe('initiator: infer keys cannot shape their way to free premium calls', () => {
    it.each<[string, string, object]>([
      [
        'a chat ending in an assistant turn',
        '/chat/completions',
        {
          model: 'gpt-4o',
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'assistant', content: 'go on' },
          ],
        },
      ],
      [
        'a made-up tool call with its result',
        '/chat/completions',
        toolTurn('call_made_up'),
      ],
      [
        'a Responses input ending in an assistant message',
        '/responses',
        {
          model: 'gpt-4.1',
          input: [
            { role: 'user', content: 'hi' },
            { type: 'message', role: 'assistant', content: 'go on' },
          ],
        },
      ],
    ])('%s is a person’s turn', async (_case, path, body) => {
      const res = await post(
        path === '/responses' ? '/v1/responses' : '/v1/chat/completions',
        body,
      );
      expect(res.status).toBe(200);
      expect(initiatorSent(path)).toBe('user');
    });

    it('a tool result for a call the upstream made (streamed) is the agent’s', async () => {
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({
          id: 'c',
          object: 'chat.completion.chunk',
          model: 'gpt-4o',
          choices: [{ index: 0, delta, finish_reason: finish }],
        })}\n\n`;
      fake.script('/chat/completions', {
        headers: { 'content-type': 'text/event-stream' },
        chunks: [
          chunk({
            role: 'assistant',
            tool_calls: [
              {
                index: 0,
                id: 'call_seen_1',
                type: 'function',
                function: { name: 'f', arguments: '' },
              },
            ],
          }),
          chunk({}, 'tool_calls'),
          'data: [DONE]\n\n',
        ],
      });
      const asked = await post('/v1/chat/completions', {
        model: 'gpt-4o',
        stream: true,
        messages: [{ role: 'user', content: 'run it' }],
      });
      expect(asked.status).toBe(200);
      expect(asked.body.toString()).toContain('call_seen_1');
      expect(initiatorSent('/chat/completions')).toBe('user');
      const answered = await post(
        '/v1/chat/completions',
        toolTurn('call_seen_1'),
      );
      expect(answered.status).toBe(200);
      expect(initiatorSent('/chat/completions')).toBe('agent');
    });
  });
});

describe('7. translated huge images: held within the answer budget', () => {
  const MiB = 1024 * 1024;
  let fake: FakeCopilotApi;
  let proxy: TestApp;

  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
    proxy = await startApp({
      COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      ANSWER_BUDGET_BYTES: String(5 * MiB),
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await fake?.stop();
  });

  /** An Anthropic request with an image of `bytes` base64 characters. */
  const withImage = (model: string, bytes: number) =>
    rawRequest(`${proxy.url}/v1/messages`, {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify({
        model,
        max_tokens: 16,
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'image',
                source: {
                  type: 'base64',
                  media_type: 'image/png',
                  data: 'A'.repeat(bytes),
                },
              },
              { type: 'text', text: 'what is it?' },
            ],
          },
        ],
      }),
    });

  it('translates a large image while the budget holds it twice, and gives it back after', async () => {
    const budget = proxy.app.get(AnswerBudget);
    for (let i = 0; i < 3; i++) {
      const res = await withImage('gemini-2.5-pro', 1.5 * MiB);
      expect(res.headers['x-copilot-bridge']).toBe('messages->chat');
      expect(res.status).toBe(200);
      // Given back when the request ends.
      await waitFor(() => budget.heldBytes === 0);
    }
  });

  it('answers 503 (try again) for one the budget cannot hold, and sends the same natively', async () => {
    const before = fake.served.length;
    // 2 × 2.6 MiB: past the 5 MiB budget.
    const res = await withImage('gemini-2.5-pro', 2.6 * MiB);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(JSON.parse(res.body.toString()).error.message).toMatch(
      /translating too many large requests/,
    );
    expect(fake.served.length).toBe(before);
    expect((await withImage('claude-sonnet-4', 2.6 * MiB)).status).toBe(200);
  });
});
