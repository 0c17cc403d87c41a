import { writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { ClientKeyRegistry } from '../src/auth/client-key.registry';
import { BodyBuffers } from '../src/inspection/body-buffers';
import { ModelCatalog } from '../src/models/model-catalog.service';
import { hangUpAfter, hangUpWhen } from './support/client-hangup';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { HeldUpstream } from './support/held-upstream';
import { rawRequest, waitFor } from './support/http-client';
import { keysFile } from './support/keys-file';
import {
  FIXTURE_COPILOT_TOKEN,
  startApp,
  TestApp,
  useStaticFakeAndProxy,
} from './support/test-app';

/**
 * Issue 18, "Quotas that hold", in one process per describe with the usage
 * counted in memory: each test fails without the fix it names. Redis cases are in
 * quotas-hold-redis.e2e-spec.ts, spawned processes (RSS, crashes, log lines) in
 * quotas-hold-memory.e2e-spec.ts. Item 2 (count_tokens) is another session's.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const JSON_TYPE = { 'content-type': 'application/json' };

/** A chat completions body whose last turn is a person's (`user`) or a tool result's. */
function chat(
  model: string,
  last: 'user' | 'tool' = 'user',
  { stream = false, text = 'Hi' } = {},
): string {
  const messages =
    last === 'user'
      ? [{ role: 'user', content: text }]
      : [
          { role: 'user', content: text },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'f', arguments: '{}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'ok' },
        ];
  return JSON.stringify({ model, stream, messages });
}

interface Totals {
  requests: number;
  premiumRequests: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  nanoAiu: number;
  cacheHits: number;
}

/** The caller's month: totals and per-model counters. */
async function monthOf(
  app: TestApp,
  key?: string,
): Promise<{ totals: Totals; models: Record<string, Totals> }> {
  const res = await request(app.app.getHttpServer())
    .get('/usage')
    .set(key === undefined ? {} : bearer(key));
  expect(res.status).toBe(200);
  return (res.body.periods as Array<{ period: string }>).find(
    (p) => p.period === 'month',
  ) as never;
}

/** Waits until the caller's month counts `requests` requests (usage is written as answers end). */
async function settledMonth(app: TestApp, requests: number, key?: string) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const month = await monthOf(app, key);
    if (month.totals.requests >= requests || Date.now() > deadline)
      return month;
    await sleep(20);
  }
}

/** The values of every `X-Initiator` line a recorded request carried. */
const initiatorsOf = (rawHeaders: string[]): string[] =>
  rawHeaders.filter(
    (_, i) => i % 2 === 1 && /^x-initiator$/i.test(rawHeaders[i - 1]),
  );

const ONE_PREMIUM = 'sk-one-premium-0000001';
const TEN_PREMIUM = 'sk-ten-premium-0000010';
const CLIENT_SAYS = 'sk-client-says-000000';
const INFERRED = 'sk-inferred-000000000';
const FREE_ONLY = 'sk-free-only-00000000';
const THOUSAND_TOKENS = 'sk-thousand-tokens-000';
const ALICE = 'sk-alice-000000000000';
const ADMIN = 'sk-admin-000000000000';

const KEYS = `
keys:
  - name: one-premium
    key: ${ONE_PREMIUM}
    quota: { period: month, premiumRequests: 1 }
  - name: ten-premium
    key: ${TEN_PREMIUM}
    quota: { period: month, premiumRequests: 10 }
  - name: client-says
    key: ${CLIENT_SAYS}
  - name: inferred
    key: ${INFERRED}
    initiator: infer
  - name: free-only
    key: ${FREE_ONLY}
    quota: { period: month, premiumRequests: 0 }
  - name: alice
    key: ${ALICE}
  - name: thousand-tokens
    key: ${THOUSAND_TOKENS}
    quota: { period: month, tokens: 1000, premiumRequests: 100 }
  - name: admin
    key: ${ADMIN}
    readAllUsage: true
`;

describe('quotas hold: budgets in one process (issue 18)', () => {
  const ctx = useStaticFakeAndProxy({
    PROXY_KEYS_FILE: keysFile(KEYS),
    INSPECT_MAX_BYTES: String(1024 * 1024),
  });
  const server = () => ctx.proxy.app.getHttpServer();
  const post = (path: string, key: string, body: string, headers = {}) =>
    rawRequest(ctx.proxy.url + path, {
      method: 'POST',
      headers: { ...bearer(key), ...JSON_TYPE, ...headers },
      body,
    });

  describe('1. model endpoints take one spelling and POST only', () => {
    it.each([
      '/CHAT/completions',
      '/chat/completions;x',
      '/v1/messages%00',
      '/V1/Messages',
    ])('refuses %s', async (path) => {
      const before = ctx.fake.requests.length;
      const res = await post(path, ONE_PREMIUM, chat('claude-opus-4'));
      expect(res.status).toBe(400);
      expect(ctx.fake.requests.length).toBe(before);
    });

    it.each(['GET', 'PUT', 'DELETE', 'OPTIONS'])(
      'answers %s on a model endpoint 405 without going upstream',
      async (method) => {
        const before = ctx.fake.requests.length;
        const res = await rawRequest(ctx.proxy.url + '/v1/chat/completions', {
          method,
          headers: bearer(ONE_PREMIUM),
        });
        expect(res.status).toBe(405);
        expect(res.headers.allow).toBe('POST');
        expect(ctx.fake.requests.length).toBe(before);
      },
    );
  });

  describe('1. path spellings', () => {
    const OPUS_CHAT = chat('claude-opus-4');
    const OPUS_MESSAGE = JSON.stringify({
      model: 'claude-opus-4',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const SPELLINGS: Array<[string, string]> = [
      // The spellings …
      ['/./chat/completions', OPUS_CHAT],
      ['/v1/../chat/completions', OPUS_CHAT],
      ['/chat/./completions', OPUS_CHAT],
      ['/%2e/chat/completions', OPUS_CHAT],
      ['/chat\\completions', OPUS_CHAT],
      ['/v1/./messages', OPUS_MESSAGE],
      ['/x/../v1/messages', OPUS_MESSAGE],
      // … and their relatives: %2E, %2f, %5c, empty segments, a trailing slash,
      // %-escapes of unreserved characters.
      ['/%2E%2E/chat/completions', OPUS_CHAT],
      ['/v1/chat%2fcompletions', OPUS_CHAT],
      ['/chat%5Ccompletions', OPUS_CHAT],
      ['//chat/completions', OPUS_CHAT],
      ['/v1//messages', OPUS_MESSAGE],
      ['/chat/completions/', OPUS_CHAT],
      ['/chat/c%6fmpletions', OPUS_CHAT],
      ['/v1/%6Dessages', OPUS_MESSAGE],
      ['/responses/..', OPUS_CHAT],
    ];

    it('refuses every non-canonical spelling with 400 non_canonical_path: nothing upstream, nothing spent', async () => {
      const before = await monthOf(ctx.proxy, ONE_PREMIUM);
      const seen = ctx.fake.requests.length;
      for (const [path, body] of SPELLINGS) {
        const res = await post(path, ONE_PREMIUM, body);
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
        expect(JSON.parse(res.body.toString()).error.code).toBe(
          'non_canonical_path',
        );
      }
      expect(ctx.fake.requests.length).toBe(seen);
      expect((await monthOf(ctx.proxy, ONE_PREMIUM)).totals).toEqual(
        before.totals,
      );
    });

    it('answers /v1/v1/… with 400 doubled_v1, in the Anthropic shape on messages', async () => {
      const seen = ctx.fake.requests.length;
      const chatRes = await post('/v1/v1/chat/completions', ALICE, OPUS_CHAT);
      expect(chatRes.status).toBe(400);
      expect(JSON.parse(chatRes.body.toString()).error.code).toBe('doubled_v1');
      const messages = await post('/v1/v1/messages', ALICE, OPUS_MESSAGE);
      expect(messages.status).toBe(400);
      const body = JSON.parse(messages.body.toString());
      expect(body.type).toBe('error');
      expect(body.error.message).toContain('ANTHROPIC_BASE_URL');
      expect(ctx.fake.requests.length).toBe(seen);
    });
  });

  describe('4. admission with a reservation', () => {
    it('admits exactly one of 50 parallel claude-opus-4 (×10) streams on a 10-premium key', async () => {
      const served = ctx.fake.served.length;
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          post(
            '/v1/chat/completions',
            TEN_PREMIUM,
            chat('claude-opus-4', 'user', { stream: true, text: `q${i}` }),
          ),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 429)).toHaveLength(49);
      expect(ctx.fake.served.length - served).toBe(1);
      const month = await settledMonth(ctx.proxy, 1, TEN_PREMIUM);
      expect(month.totals.premiumRequests).toBe(10);
    });

    it('refuses a call that costs more than what remains, and lets a cheaper one through', async () => {
      const opus = await post(
        '/v1/chat/completions',
        ONE_PREMIUM,
        chat('claude-opus-4'),
      );
      expect(opus.status).toBe(429);
      const error = JSON.parse(opus.body.toString()).error;
      expect(error.code).toBe('quota_exceeded');
      expect(error.message).toContain('this call costs 10, 1 left');
      const haiku = await post(
        '/v1/chat/completions',
        ONE_PREMIUM,
        chat('claude-haiku-4.5'),
      );
      expect(haiku.status).toBe(200);
      const month = await settledMonth(ctx.proxy, 1, ONE_PREMIUM);
      expect(month.totals.premiumRequests).toBeCloseTo(0.33, 5);
    });
  });

  describe('2. count_tokens cannot hold the event loop', () => {
    it('counts large bodies exactly within a budget per second, and estimates past it', async () => {
      const body = JSON.stringify({
        model: 'gemini-2.5-pro',
        messages: [{ role: 'user', content: 'a'.repeat(800 * 1024) }],
      });
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          post('/v1/messages/count_tokens', ALICE, body),
        ),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(JSON.parse(answer.body.toString()).input_tokens).toBeGreaterThan(
          0,
        );
      }
      const kinds = answers.map((a) => a.headers['x-token-count-estimate']);
      expect(kinds).toContain('o200k_base');
      expect(kinds).toContain('bytes');
    });
  });

  describe('4. what admission holds', () => {
    it('holds the output a call may ask for: parallel calls with a large max_tokens cannot all pass a token budget', async () => {
      // Upstream answers are held until every call was either refused or sent on:
      // a call that ended (and gave back its hold) cannot let a late one in.
      const upstream = () =>
        ctx.fake.requests.filter((r) => r.url === '/chat/completions').length;
      const sent = upstream();
      const release = ctx.fake.holdAnswers('/chat/completions');
      let answered = 0;
      try {
        const pending = Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            post(
              '/v1/chat/completions',
              THOUSAND_TOKENS,
              JSON.stringify({
                model: 'gpt-4o',
                max_tokens: 50_000,
                messages: [{ role: 'user', content: `t${i}` }],
              }),
            ).then((answer) => {
              answered++;
              return answer;
            }),
          ),
        );
        await waitFor(() => answered + upstream() - sent === 20, 20_000);
        expect(upstream() - sent).toBe(1);
        release();
        const answers = await pending;
        expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      } finally {
        release();
      }
    });

    it('holds a call whose model it could not read at the account’s highest multiplier', async () => {
      // A body past INSPECT_MAX_BYTES is not read: its model is unknown here.
      const big = JSON.stringify({
        model: 'claude-haiku-4.5',
        messages: [{ role: 'user', content: 'x'.repeat(2 * 1024 * 1024) }],
      });
      const res = await post('/v1/chat/completions', ONE_PREMIUM, big);
      expect(res.status).toBe(429);
      // Refused before its body was read: the answer closes the connection.
      expect(res.headers.connection).toBe('close');
      expect(JSON.parse(res.body.toString()).error.message).toContain(
        'this call costs 10',
      );
    });
  });

  describe('5. hanging up just before the usage chunk', () => {
    it('charges the completion from the content bytes relayed', async () => {
      const before = await monthOf(ctx.proxy, ALICE);
      const cut = await hangUpAfter(
        ctx.proxy.url + '/v1/chat/completions',
        21,
        {
          headers: {
            ...bearer(ALICE),
            ...JSON_TYPE,
            'x-fake-events': '200',
            'x-fake-interval-ms': '20',
          },
          body: chat('claude-sonnet-4', 'user', { stream: true }),
        },
      );
      expect(cut.status).toBe(200);
      // The first event is the prompt filter's; 20 content chunks followed.
      const received = cut.events
        .map(
          (e) =>
            JSON.parse(e) as {
              choices: Array<{ delta: { content?: string } }>;
            },
        )
        .reduce(
          (n, e) => n + Buffer.byteLength(e.choices[0]?.delta.content ?? ''),
          0,
        );
      expect(received).toBeGreaterThan(100);
      await ctx.fake.waitForAbort('/chat/completions');
      const month = await settledMonth(
        ctx.proxy,
        before.totals.requests + 1,
        ALICE,
      );
      const completion =
        month.totals.completionTokens - before.totals.completionTokens;
      // What reached the client, and at most two chunks the proxy relayed after.
      expect(completion).toBeGreaterThanOrEqual(Math.ceil(received / 4));
      expect(completion).toBeLessThanOrEqual(Math.ceil((received + 2 * 7) / 4));
    });
  });

  describe('7. the initiator a client sends', () => {
    const sonnet = (key: string, last: 'user' | 'tool', initiator: string) =>
      post('/v1/chat/completions', key, chat('claude-sonnet-4', last), {
        'x-initiator': initiator,
      });
    const sentUpstream = () =>
      initiatorsOf(ctx.fake.lastRequest('/chat/completions')!.rawHeaders);

    it('sends exactly user or agent upstream, and counts premium by what was sent', async () => {
      const cases: Array<[string, string, number]> = [
        ['AGENT', 'agent', 0],
        [' Agent ', 'agent', 0],
        ['agent', 'agent', 0],
        ['foo', 'user', 1],
        ['USER', 'user', 1],
      ];
      for (const [offered, sent, premium] of cases) {
        const before = await monthOf(ctx.proxy, CLIENT_SAYS);
        expect((await sonnet(CLIENT_SAYS, 'user', offered)).status).toBe(200);
        expect({ offered, sent: sentUpstream() }).toEqual({
          offered,
          sent: [sent],
        });
        const after = await settledMonth(
          ctx.proxy,
          before.totals.requests + 1,
          CLIENT_SAYS,
        );
        expect({
          offered,
          premium: after.totals.premiumRequests - before.totals.premiumRequests,
        }).toEqual({ offered, premium });
      }
    });

    it('with initiator: infer, ignores the client and decides from the conversation', async () => {
      const before = await monthOf(ctx.proxy, INFERRED);
      // The upstream calls the tool the next turn answers (call_1): since issue
      // 24 an infer key's tool results count as the agent's only for calls the
      // proxy saw the upstream make for it.
      ctx.fake.script('/chat/completions', {
        headers: JSON_TYPE,
        body: JSON.stringify({
          id: 'chatcmpl-tool',
          object: 'chat.completion',
          model: 'claude-sonnet-4',
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: null,
                tool_calls: [
                  {
                    id: 'call_1',
                    type: 'function',
                    function: { name: 'f', arguments: '{}' },
                  },
                ],
              },
              finish_reason: 'tool_calls',
            },
          ],
          usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
        }),
      });
      expect((await sonnet(INFERRED, 'user', 'agent')).status).toBe(200);
      expect(sentUpstream()).toEqual(['user']);
      const afterUser = await settledMonth(
        ctx.proxy,
        before.totals.requests + 1,
        INFERRED,
      );
      expect(
        afterUser.totals.premiumRequests - before.totals.premiumRequests,
      ).toBe(1);
      expect((await sonnet(INFERRED, 'tool', 'user')).status).toBe(200);
      expect(sentUpstream()).toEqual(['agent']);
      const afterTool = await settledMonth(
        ctx.proxy,
        before.totals.requests + 2,
        INFERRED,
      );
      expect(afterTool.totals.premiumRequests).toBe(
        afterUser.totals.premiumRequests,
      );
    });
  });

  describe('initiator: infer trusts no client marker', () => {
    it.each<[string, string, Record<string, string>]>([
      [
        'a sub-agent header',
        '/v1/chat/completions',
        { 'x-claude-code-agent-id': 'a1' },
      ],
      [
        'a Codex compaction marker',
        '/v1/chat/completions',
        { 'x-codex-turn-metadata': '{"request_kind":"compaction"}' },
      ],
      [
        'an X-Interaction-Type',
        '/v1/chat/completions',
        { 'x-interaction-type': 'conversation-subagent' },
      ],
    ])(
      'a person’s turn with %s is still the person’s, premium counted',
      async (_case, path, headers) => {
        const before = await monthOf(ctx.proxy, INFERRED);
        const res = await post(
          path,
          INFERRED,
          chat('claude-sonnet-4', 'user'),
          headers,
        );
        expect(res.status).toBe(200);
        const seen = ctx.fake.lastRequest('/chat/completions')!;
        expect(seen.headers['x-initiator']).toBe('user');
        // The default every call gets, not the client's marker.
        expect(seen.headers['x-interaction-type']).toBe('conversation-agent');
        const after = await settledMonth(
          ctx.proxy,
          before.totals.requests + 1,
          INFERRED,
        );
        expect(
          after.totals.premiumRequests - before.totals.premiumRequests,
        ).toBe(1);
      },
    );

    it('a title-call shape (no tools, output_config.format) is the person’s too', async () => {
      const before = await monthOf(ctx.proxy, INFERRED);
      const res = await post(
        '/v1/messages',
        INFERRED,
        JSON.stringify({
          model: 'claude-sonnet-4',
          max_tokens: 10,
          output_config: { format: { type: 'json_schema', schema: {} } },
          messages: [{ role: 'user', content: 'Hi' }],
        }),
      );
      expect(res.status).toBe(200);
      expect(ctx.fake.lastRequest('/v1/messages')!.headers['x-initiator']).toBe(
        'user',
      );
      const after = await settledMonth(
        ctx.proxy,
        before.totals.requests + 1,
        INFERRED,
      );
      expect(after.totals.premiumRequests - before.totals.premiumRequests).toBe(
        1,
      );
    });
  });

  describe('low items', () => {
    it('charges a complete answer that reports no usage an estimate', async () => {
      const content = 'An answer without any usage reported, forty-eight.';
      ctx.fake.script('/chat/completions', {
        headers: JSON_TYPE,
        body: JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          model: 'gpt-4o',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content },
              finish_reason: 'stop',
            },
          ],
        }),
      });
      const body = chat('gpt-4o', 'user', { text: 'no usage please' });
      const before = await monthOf(ctx.proxy, ALICE);
      expect((await post('/v1/chat/completions', ALICE, body)).status).toBe(
        200,
      );
      const after = await settledMonth(
        ctx.proxy,
        before.totals.requests + 1,
        ALICE,
      );
      expect(after.totals.promptTokens - before.totals.promptTokens).toBe(
        Math.ceil(Buffer.byteLength(body) / 4),
      );
      expect(
        after.totals.completionTokens - before.totals.completionTokens,
      ).toBe(Math.ceil(Buffer.byteLength(content) / 4));
    });

    it('reads the usage of event streams separated by CRLF, a megabyte of text between', async () => {
      // Anthropic's stream: the prompt in message_start, the completion at the end.
      const event = (name: string, data: object) =>
        `event: ${name}\r\ndata: ${JSON.stringify(data)}\r\n\r\n`;
      const text = (piece: string) =>
        event('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: piece },
        });
      ctx.fake.script('/v1/messages', {
        headers: { 'content-type': 'text/event-stream' },
        chunks: [
          event('message_start', {
            type: 'message_start',
            message: {
              id: 'msg_crlf',
              type: 'message',
              role: 'assistant',
              model: 'claude-sonnet-4',
              content: [],
              usage: { input_tokens: 7, output_tokens: 1 },
            },
          }),
          ...Array.from({ length: 20 }, () => text('t'.repeat(60_000))),
          event('message_delta', {
            type: 'message_delta',
            delta: { stop_reason: 'end_turn' },
            usage: { output_tokens: 3 },
          }),
          event('message_stop', { type: 'message_stop' }),
        ],
      });
      const before = await monthOf(ctx.proxy, ALICE);
      const res = await post(
        '/v1/messages',
        ALICE,
        JSON.stringify({
          model: 'claude-sonnet-4',
          max_tokens: 10,
          stream: true,
          messages: [{ role: 'user', content: 'crlf please' }],
        }),
      );
      expect(res.status).toBe(200);
      expect(res.body.length).toBeGreaterThan(1024 * 1024);
      const after = await settledMonth(
        ctx.proxy,
        before.totals.requests + 1,
        ALICE,
      );
      expect(after.totals.promptTokens - before.totals.promptTokens).toBe(7);
      expect(
        after.totals.completionTokens - before.totals.completionTokens,
      ).toBe(3);
    });

    it('prices premium by the answered model when the requested one is not listed', async () => {
      ctx.fake.script('/chat/completions', {
        headers: JSON_TYPE,
        body: JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          model: 'claude-opus-4',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: 'hi' },
              finish_reason: 'stop',
            },
          ],
          usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
        }),
      });
      const before = await monthOf(ctx.proxy, ALICE);
      const res = await post(
        '/v1/chat/completions',
        ALICE,
        chat('claude-opus-4-20250514'),
      );
      expect(res.status).toBe(200);
      const after = await settledMonth(
        ctx.proxy,
        before.totals.requests + 1,
        ALICE,
      );
      expect(after.totals.premiumRequests - before.totals.premiumRequests).toBe(
        10,
      );
      expect(after.models['claude-opus-4'].requests).toBeGreaterThanOrEqual(1);
    });

    it('lets free models and GET /models through a premiumRequests: 0 budget, and refuses premium ones', async () => {
      for (const model of ['gpt-4.1', 'gpt-5-mini']) {
        const res = await post('/v1/chat/completions', FREE_ONLY, chat(model));
        expect({ model, status: res.status }).toEqual({ model, status: 200 });
      }
      const models = await request(server())
        .get('/v1/models')
        .set(bearer(FREE_ONLY));
      expect(models.status).toBe(200);
      const premium = await post(
        '/v1/chat/completions',
        FREE_ONLY,
        chat('claude-sonnet-4'),
      );
      expect(premium.status).toBe(429);
    });

    it('shows x-quota-snapshot-* headers to a readAllUsage key only', async () => {
      ctx.fake.quotaSnapshot = 'ent=300&rem=87.5';
      try {
        const alice = await post('/v1/chat/completions', ALICE, chat('gpt-4o'));
        expect(alice.status).toBe(200);
        expect(
          Object.keys(alice.headers).filter((h) =>
            h.startsWith('x-quota-snapshot-'),
          ),
        ).toEqual([]);
        const streamed = await post(
          '/v1/chat/completions',
          ALICE,
          chat('gpt-4o', 'user', { stream: true }),
        );
        expect(
          streamed.headers['x-quota-snapshot-premium_interactions'],
        ).toBeUndefined();
        const admin = await post('/v1/chat/completions', ADMIN, chat('gpt-4o'));
        expect(admin.headers['x-quota-snapshot-premium_interactions']).toBe(
          'ent=300&rem=87.5',
        );
      } finally {
        ctx.fake.quotaSnapshot = undefined;
      }
    });
  });
});

describe('quotas hold: keys off (issue 18)', () => {
  const ctx = useStaticFakeAndProxy();

  it('passes x-quota-snapshot-* headers on when keys are off (one local user reads all)', async () => {
    ctx.fake.quotaSnapshot = 'ent=300&rem=1';
    try {
      const res = await rawRequest(ctx.proxy.url + '/v1/chat/completions', {
        method: 'POST',
        headers: JSON_TYPE,
        body: chat('gpt-4o'),
      });
      expect(res.headers['x-quota-snapshot-premium_interactions']).toBe(
        'ent=300&rem=1',
      );
    } finally {
      ctx.fake.quotaSnapshot = undefined;
    }
  });

  describe("15. Copilot's 429", () => {
    const ask = (path = '/v1/chat/completions', body = chat('gpt-4o')) =>
      rawRequest(ctx.proxy.url + path, {
        method: 'POST',
        headers: JSON_TYPE,
        body,
      });
    const tooMany = (headers: Record<string, string>) =>
      ctx.fake.script('/chat/completions', {
        status: 429,
        headers: { ...JSON_TYPE, ...headers },
        body: JSON.stringify({
          error: { message: 'limited', code: 'rate_limited' },
        }),
      });
    const metrics = async () =>
      (await request(ctx.proxy.app.getHttpServer()).get('/metrics')).text;

    it('starts no cooldown on a 429 that names no limit', async () => {
      tooMany({ 'retry-after': '60' });
      expect((await ask()).status).toBe(429);
      const next = await ask();
      expect(next.status).toBe(200);
      expect(await metrics()).not.toMatch(
        /^copilot_proxy_copilot_cooldowns_total\{/m,
      );
    });

    it('after a 429 naming a limit, answers model calls itself with the time left; other paths pass', async () => {
      tooMany({ 'retry-after': '60', 'x-ratelimit-exceeded': 'global-chat' });
      const first = await ask();
      expect(first.status).toBe(429);
      const seen = ctx.fake.requests.length;
      const calls = [
        await ask(),
        await ask(
          '/v1/messages',
          JSON.stringify({
            model: 'claude-sonnet-4',
            max_tokens: 5,
            messages: [{ role: 'user', content: 'Hi' }],
          }),
        ),
        await ask(
          '/v1/responses',
          JSON.stringify({ model: 'gpt-4.1', input: 'Hi' }),
        ),
      ];
      for (const res of calls) {
        expect(res.status).toBe(429);
        expect(res.headers['x-ratelimit-exceeded']).toBe('global-chat');
        const retryAfter = Number(res.headers['retry-after']);
        expect(retryAfter).toBeGreaterThan(55);
        expect(retryAfter).toBeLessThanOrEqual(60);
      }
      expect(JSON.parse(calls[0].body.toString()).error.code).toBe(
        'copilot_cooldown',
      );
      expect(ctx.fake.requests.length).toBe(seen);

      // Not a model call: still proxied.
      const echo = await rawRequest(ctx.proxy.url + '/_test/echo');
      expect(echo.status).toBe(200);
      expect(ctx.fake.requests.length).toBe(seen + 1);

      const usage = await request(ctx.proxy.app.getHttpServer()).get('/usage');
      expect(usage.body.account.cooldown).toMatchObject({
        limit: 'global-chat',
      });
      expect(usage.body.account.cooldown.retryAfterSeconds).toBeGreaterThan(55);
      const text = await metrics();
      expect(text).toContain(
        'copilot_proxy_copilot_cooldowns_total{limit="global-chat"} 1',
      );
      expect(text).toMatch(/^copilot_proxy_cooldown_rejections_total 3$/m);
    });
  });
});

describe('quotas hold: 6. hanging up before the answer headers', () => {
  let fake: FakeCopilotApi;
  let upstream: HeldUpstream;
  let proxy: TestApp;

  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
    upstream = await new HeldUpstream(
      fake.url,
      (req) => req.method === 'POST' && req.url === '/chat/completions',
    ).start();
    proxy = await startApp({
      COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
      COPILOT_API_BASE_URL: upstream.url,
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await upstream?.stop();
    await fake?.stop();
  });

  it('charges the request, its premium use and its prompt once it went upstream', async () => {
    const body = chat('claude-opus-4');
    await hangUpWhen(
      proxy.url + '/v1/chat/completions',
      () => upstream.held.length === 1,
      { headers: JSON_TYPE, body },
    );
    await waitFor(() => upstream.held[0].closed);
    const month = await settledMonth(proxy, 1);
    expect(month.models['claude-opus-4']).toEqual({
      requests: 1,
      premiumRequests: 10,
      promptTokens: Math.ceil(Buffer.byteLength(body) / 4),
      cachedTokens: 0,
      completionTokens: 0,
      nanoAiu: 0,
      cacheHits: 0,
    });
  });
});

describe('quotas hold: 8. the inspection budget per key', () => {
  const UPLOADER = 'sk-uploader-000000000';
  const WORKER = 'sk-worker-00000000000';
  const ctx = useStaticFakeAndProxy({
    PROXY_KEYS_FILE: keysFile(
      `keys:\n  - name: uploader\n    key: ${UPLOADER}\n  - name: worker\n    key: ${WORKER}\n`,
    ),
    INSPECT_BUDGET_BYTES: '65536',
    INSPECT_KEY_SHARE_BYTES: '20000',
  });

  it("one key's stalled uploads leave the others' tool round trips read (X-Initiator: agent)", async () => {
    const buffers = ctx.proxy.app.get(BodyBuffers);
    // Four uploads of 16,000 of their 20,000 bytes, then silence: 64,000 bytes
    // of the 65,536 would be held without a share per key.
    const head = '{"model":"gpt-4o","messages":[{"role":"user","content":"';
    const uploads = Array.from({ length: 4 }, () => {
      const req = httpRequest(ctx.proxy.url + '/v1/chat/completions', {
        method: 'POST',
        headers: {
          ...bearer(UPLOADER),
          ...JSON_TYPE,
          'content-length': '20000',
        },
      });
      req.on('error', () => undefined);
      req.write(head + 'a'.repeat(16_000 - head.length));
      return req;
    });
    try {
      await waitFor(() => buffers.heldBytes >= 16_000);
      await sleep(200);
      expect(buffers.heldBytes).toBeLessThanOrEqual(20_000);
      const body = chat('claude-sonnet-4', 'tool', { text: 'x'.repeat(3000) });
      const res = await rawRequest(ctx.proxy.url + '/v1/chat/completions', {
        method: 'POST',
        headers: { ...bearer(WORKER), ...JSON_TYPE },
        body,
      });
      expect(res.status).toBe(200);
      const sent = ctx.fake.lastRequest('/chat/completions')!;
      expect(sent.body.toString()).toBe(body);
      expect(initiatorsOf(sent.rawHeaders)).toEqual(['agent']);
    } finally {
      for (const upload of uploads) upload.destroy();
    }
    await waitFor(() => buffers.heldBytes === 0);
  });
});

describe('quotas hold: 9. answers held past ANSWER_BUDGET_BYTES', () => {
  const ctx = useStaticFakeAndProxy({
    ANSWER_BUDGET_BYTES: '4096',
    RESPONSE_CACHE: 'all',
  });

  it('meters an answer past the budget by estimate, and does not store it', async () => {
    const content = 'y'.repeat(20_000);
    const answer = JSON.stringify({
      id: 'big',
      object: 'chat.completion',
      model: 'gpt-4o',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
    });
    ctx.fake.script('/chat/completions', {
      headers: JSON_TYPE,
      body: answer,
      times: 2,
    });
    const body = chat('gpt-4o', 'user', { text: 'a big one' });
    const ask = () =>
      rawRequest(ctx.proxy.url + '/v1/chat/completions', {
        method: 'POST',
        headers: JSON_TYPE,
        body,
      });
    const first = await ask();
    expect(first.status).toBe(200);
    expect(first.body.length).toBe(Buffer.byteLength(answer));
    const month = await settledMonth(ctx.proxy, 1);
    expect(month.totals.promptTokens).toBe(
      Math.ceil(Buffer.byteLength(body) / 4),
    );
    expect(month.totals.completionTokens).toBe(Math.ceil(content.length / 4));
    const second = await ask();
    expect(second.headers['x-cache']).toBe('MISS');
    expect(ctx.fake.pendingScripts).toBe(0);

    // A small answer within the budget is read exactly, and stored.
    const small = chat('gpt-4o', 'user', { text: 'a small one' });
    const ok = () =>
      rawRequest(ctx.proxy.url + '/v1/chat/completions', {
        method: 'POST',
        headers: JSON_TYPE,
        body: small,
      });
    expect((await ok()).headers['x-cache']).toBe('MISS');
    const after = await settledMonth(ctx.proxy, 3);
    expect(after.totals.completionTokens - month.totals.completionTokens).toBe(
      Math.ceil(content.length / 4) + 4,
    );
    expect((await ok()).headers['x-cache']).toBe('HIT');
  });
});

describe('quotas hold: 12. the response cache by key digest', () => {
  const OLD = 'sk-alice-old-00000000';
  const NEW = 'sk-alice-new-00000000';
  const file = keysFile(`keys:\n  - name: alice\n    key: ${OLD}\n`);
  const ctx = useStaticFakeAndProxy({
    PROXY_KEYS_FILE: file,
    RESPONSE_CACHE: 'all',
  });

  it("a rotated key under the same name gets no HIT on the old key's answers", async () => {
    const ask = (key: string) =>
      rawRequest(ctx.proxy.url + '/v1/chat/completions', {
        method: 'POST',
        headers: { ...bearer(key), ...JSON_TYPE },
        body: chat('gpt-4o', 'user', { text: 'rotate me' }),
      });
    expect((await ask(OLD)).headers['x-cache']).toBe('MISS');
    expect((await ask(OLD)).headers['x-cache']).toBe('HIT');
    writeFileSync(file, `keys:\n  - name: alice\n    key: ${NEW}\n`);
    expect(ctx.proxy.app.get(ClientKeyRegistry).reload()).toBe(true);
    expect((await ask(OLD)).status).toBe(401);
    const rotated = await ask(NEW);
    expect(rotated.status).toBe(200);
    expect(rotated.headers['x-cache']).toBe('MISS');
  });
});

describe('quotas hold: 13. /models failing at start', () => {
  let fake: FakeCopilotApi;
  let proxy: TestApp;

  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
    fake.modelsFailure = { status: 500 };
    proxy = await startApp({
      COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
      COPILOT_API_BASE_URL: fake.url,
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await fake?.stop();
  });

  it('is fetched again with backoff, so multipliers hold without a client GET /models', async () => {
    expect(fake.modelsRequests).toBe(1);
    expect(proxy.app.get(ModelCatalog).entry()).toBeUndefined();
    fake.modelsFailure = undefined;
    await waitFor(
      () => proxy.app.get(ModelCatalog).entry() !== undefined,
      5000,
    );
    const res = await rawRequest(proxy.url + '/v1/chat/completions', {
      method: 'POST',
      headers: JSON_TYPE,
      body: chat('claude-opus-4'),
    });
    expect(res.status).toBe(200);
    const month = await settledMonth(proxy, 1);
    expect(month.models['claude-opus-4'].premiumRequests).toBe(10);
  });
});

describe('quotas hold: a cached answer carries no account headers', () => {
  const ctx = useStaticFakeAndProxy({
    RESPONSE_CACHE: 'all',
    PROXY_KEYS_FILE: keysFile(
      `keys:\n  - name: plain\n    key: ${ALICE}\n  - name: admin\n    key: ${ADMIN}\n    readAllUsage: true\n`,
    ),
  });

  it('a hit replays no x-quota-snapshot-* to a key that may not read the account', async () => {
    ctx.fake.quotaSnapshot =
      'ent=300&ov=0.0&ovPerm=false&rem=123&rst=2026-12-01T00:00:00Z';
    const ask = (key: string) =>
      rawRequest(ctx.proxy.url + '/v1/chat/completions', {
        method: 'POST',
        headers: { ...bearer(key), ...JSON_TYPE },
        body: chat('gpt-4o', 'user', { text: 'snapshot please' }),
      });
    const miss = await ask(ALICE);
    expect(miss.headers['x-cache']).toBe('MISS');
    expect(
      miss.headers['x-quota-snapshot-premium_interactions'],
    ).toBeUndefined();
    const hit = await ask(ALICE);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(
      hit.headers['x-quota-snapshot-premium_interactions'],
    ).toBeUndefined();
  });
});

describe('quotas hold: the response cache keeps what the proxy owns', () => {
  const ctx = useStaticFakeAndProxy({ RESPONSE_CACHE: 'all' });
  const ask = (text: string, headers: Record<string, string | string[]> = {}) =>
    rawRequest(ctx.proxy.url + '/v1/chat/completions', {
      method: 'POST',
      headers: { ...JSON_TYPE, ...headers },
      body: chat('gpt-4o', 'user', { text }),
    });

  it('keys exact header values: case and repetition of anthropic-beta miss', async () => {
    expect(
      (await ask('beta', { 'anthropic-beta': 'a,b' })).headers['x-cache'],
    ).toBe('MISS');
    expect(
      (await ask('beta', { 'anthropic-beta': 'a,b' })).headers['x-cache'],
    ).toBe('HIT');
    expect(
      (await ask('beta', { 'anthropic-beta': 'A,B' })).headers['x-cache'],
    ).toBe('MISS');
    expect(
      (await ask('beta', { 'anthropic-beta': ['a', 'b'] })).headers['x-cache'],
    ).toBe('MISS');
    expect(
      (await ask('beta', { 'anthropic-beta': 'a, b' })).headers['x-cache'],
    ).toBe('MISS');
  });

  it('stores no 200 stream that only carries an error event, and no 203 or 206', async () => {
    const answers: Array<
      [
        string,
        { status?: number; headers: Record<string, string>; body: string },
      ]
    > = [
      [
        'data-error',
        {
          headers: { 'content-type': 'text/event-stream' },
          body: 'data: {"error":{"message":"overloaded","type":"server_error"}}\n\n',
        },
      ],
      [
        'event-error',
        {
          headers: { 'content-type': 'text/event-stream' },
          body: 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"x"}}\n\n',
        },
      ],
      ['203', { status: 203, headers: JSON_TYPE, body: '{"ok":203}' }],
      ['206', { status: 206, headers: JSON_TYPE, body: '{"ok":206}' }],
    ];
    for (const [name, answer] of answers) {
      ctx.fake.script('/chat/completions', { ...answer, times: 2 });
      const first = await ask(`not-stored-${name}`);
      const second = await ask(`not-stored-${name}`);
      expect({
        name,
        status: first.status,
        body: first.body.toString(),
      }).toEqual({
        name,
        status: answer.status ?? 200,
        body: answer.body,
      });
      expect({ name, cache: second.headers['x-cache'] }).toEqual({
        name,
        cache: 'MISS',
      });
      expect(ctx.fake.pendingScripts).toBe(0);
    }
  });

  it("answers its own X-Cache, never the upstream's", async () => {
    ctx.fake.script('/chat/completions', {
      headers: { ...JSON_TYPE, 'X-Cache': 'HIT' },
      body: '{"id":"up","choices":[]}',
    });
    const res = await ask('upstream-x-cache');
    const values = res.rawHeaders.filter(
      (_, i) => i % 2 === 1 && /^x-cache$/i.test(res.rawHeaders[i - 1]),
    );
    expect(values).toEqual(['MISS']);
  });
});

describe('quotas hold: the failed-key limiter (issue 18 low item, issue 20)', () => {
  const VALID = 'sk-valid-key-000000000';
  const ctx = useStaticFakeAndProxy({
    PROXY_KEYS_FILE: keysFile(`keys:\n  - name: valid\n    key: ${VALID}\n`),
    TRUST_PROXY: 'true',
  });
  const echo = (headers: Record<string, string>, method = 'GET') =>
    rawRequest(ctx.proxy.url + '/_test/echo', { method, headers });

  it('does not count requests without a credential', async () => {
    for (let i = 0; i < 25; i++) {
      expect((await echo({}, 'HEAD')).status).toBe(401);
    }
    expect((await echo(bearer(VALID))).status).toBe(200);
  });

  it('counts wrong keys sharing a 12-character prefix across rotating X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await echo({
        ...bearer(`sk-guessing-${String(i).padStart(4, '0')}`),
        'x-forwarded-for': `10.0.${i}.1`,
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(5).fill(429));
  });

  it('still refuses wrong keys from one address past the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await echo({
        ...bearer(`${i}-another-wrong-key-${i}`),
        'x-forwarded-for': '10.9.9.9',
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual([429, 429]);
  });
});
