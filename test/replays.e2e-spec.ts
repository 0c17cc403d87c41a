import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadShapes,
  RecordedShape,
  Replay,
  replayOf,
} from './support/client-shapes';
import { rawRequest } from './support/http-client';
import { startStrictCopilot } from './support/strict/strict-copilot';
import type { FakeCopilotApi } from './support/fake-copilot-api';
import { startApp, TestApp } from './support/test-app';

/**
 * Every recorded client session (`test/fixtures/client-shapes`: Claude Code
 * 2.1.197 and 2.1.332, Codex, opencode), replayed through the proxy, with its
 * compatibility stage on as shipped, to the STRICT fake: every model call gets a
 * 200 that the client's official SDK (`@anthropic-ai/sdk`, `openai`) reads to
 * its end. Bodies are rebuilt from the recorded structure (`client-shapes.ts`;
 * here also `<string N chars, begins "…">`, kept as its beginning). The start-up
 * probes (`HEAD /`, `HEAD /api/hello`) are no model calls and are left out.
 */

const KEY = 'sk-replay-0123456789';
const SESSIONS = readdirSync(join(__dirname, 'fixtures', 'client-shapes'))
  .filter((name) => name.endsWith('.json'))
  .map((name) => name.slice(0, -'.json'.length));

/** Recorded models the fake does not list, as the real-clients replay maps them. */
const MODEL_FOR: Record<string, string> = { 'gpt-5': 'gpt-5.1-codex' };

/** Headers the SDK writes itself. */
const SDK_OWN =
  /^(content-type|content-length|accept|anthropic-version|authorization)$/i;

const BEGINS = /^<string (\d+) chars, begins "([\s\S]*)">$/;

/** `<string N chars, begins "…">` made a text of N characters that begins so. */
function expand(value: unknown): unknown {
  if (typeof value === 'string') {
    const match = BEGINS.exec(value);
    if (!match) return value;
    let start: string;
    try {
      start = JSON.parse(`"${match[2]}"`) as string;
    } catch {
      start = match[2];
    }
    return start + 'x'.repeat(Math.max(0, Number(match[1]) - start.length));
  }
  if (Array.isArray(value)) return value.map(expand);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, expand(v)]),
    );
  return value;
}

function replays(session: string): Replay[] {
  return loadShapes(session)
    .filter((shape) => shape.method === 'POST')
    .map((shape: RecordedShape) => {
      const body = shape.body as { model?: string } | undefined;
      const model = body?.model && MODEL_FOR[body.model];
      return replayOf(
        { ...shape, body: expand(shape.body) },
        model ? { model } : {},
      );
    });
}

function clientHeaders(replay: Replay): Record<string, string> {
  return Object.fromEntries(
    Object.entries(replay.headers).filter(([name]) => !SDK_OWN.test(name)),
  );
}

/** Sends one replay with its client's SDK and reads the answer to its end; what it read last. */
async function sendWithSdk(proxy: TestApp, replay: Replay): Promise<string> {
  const body = JSON.parse(replay.body!) as Record<string, unknown>;
  const options = { headers: clientHeaders(replay) };
  const path = replay.url.split('?')[0];
  if (path.startsWith('/v1/messages')) {
    const client = new Anthropic({
      apiKey: KEY,
      baseURL: proxy.url,
      maxRetries: 0,
    });
    if (path === '/v1/messages/count_tokens') {
      const count = await client.messages.countTokens(body as never, options);
      expect(count.input_tokens).toBeGreaterThan(0);
      return 'count';
    }
    if (body.stream !== true) {
      const message = await client.messages.create(body as never, options);
      return (message as { type: string }).type;
    }
    const stream = (await client.messages.create(
      body as never,
      options,
    )) as unknown as AsyncIterable<{ type: string }>;
    let last = '';
    for await (const event of stream) last = event.type;
    return last;
  }
  const client = new OpenAI({ apiKey: KEY, baseURL: proxy.url, maxRetries: 0 });
  if (path === '/responses') {
    const stream = (await client.responses.create(
      body as never,
      options,
    )) as unknown as AsyncIterable<{ type: string }>;
    let last = '';
    for await (const event of stream) last = event.type;
    return last;
  }
  const stream = (await client.chat.completions.create(
    body as never,
    options,
  )) as unknown as AsyncIterable<{
    choices: Array<{ finish_reason: string | null }>;
  }>;
  let finish = '';
  for await (const chunk of stream)
    for (const choice of chunk.choices)
      if (choice.finish_reason) finish = choice.finish_reason;
  return finish;
}

/** What the SDK reads last of a complete answer, by path. */
const END: Record<string, RegExp> = {
  '/v1/messages': /^(message_stop|message)$/,
  '/v1/messages/count_tokens': /^count$/,
  '/responses': /^response\.completed$/,
  '/chat/completions': /^(stop|tool_calls|length)$/,
};

describe('recorded client sessions, replayed to the strict fake', () => {
  let fake: FakeCopilotApi;
  let proxy: TestApp;

  beforeAll(async () => {
    fake = await startStrictCopilot();
    proxy = await startApp({
      COPILOT_TOKEN: 'test-copilot-token',
      COPILOT_API_BASE_URL: fake.url,
      PROXY_API_KEYS: KEY,
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await fake?.stop();
  });

  it('has the sessions the issue names', () => {
    expect(SESSIONS).toEqual(
      expect.arrayContaining([
        'cc-say-hi',
        'cc-2.1.332-say-hi',
        'codex-say-hi',
        'opencode-say-hi',
      ]),
    );
  });

  it.each(SESSIONS)(
    '%s: every model call is served and read by its SDK',
    async (session) => {
      const calls = replays(session);
      expect(calls.length).toBeGreaterThan(0);
      for (const replay of calls) {
        const path = replay.url.split('?')[0];
        const last = await sendWithSdk(proxy, replay);
        const verdict = fake.strict!.verdicts.at(-1)!;
        expect({ path, rule: verdict.rule, status: verdict.status }).toEqual({
          path: path.replace(/^\/v1\/(chat|responses)/, '/$1'),
          rule: undefined,
          status: 200,
        });
        expect(last).toMatch(END[path]);
      }
    },
  );
});

/**
 * What the stage is for: Claude Code 2.1.332's turn needs M1 (its betas) and C4
 * (its billing line); with either off (`COMPAT_RULES=-id`) the strict fake
 * refuses it for that rule. (The recordings keep no `cache_control.scope`: M2
 * is shown on its own in `compat-rules.e2e-spec.ts`.)
 */
describe.each(['m1', 'c4'])(
  'Claude Code 2.1.332 with COMPAT_RULES=-%s',
  (id) => {
    let fake: FakeCopilotApi;
    let proxy: TestApp;

    beforeAll(async () => {
      fake = await startStrictCopilot();
      proxy = await startApp({
        COPILOT_TOKEN: 'test-copilot-token',
        COPILOT_API_BASE_URL: fake.url,
        PROXY_API_KEYS: KEY,
        COMPAT_RULES: `-${id}`,
      });
    });
    afterAll(async () => {
      await proxy?.close();
      await fake?.stop();
    });

    it(`is refused by the strict fake's ${id}`, async () => {
      const [turn] = replays('cc-2.1.332-say-hi');
      const res = await rawRequest(proxy.url + turn.url, {
        method: 'POST',
        headers: { ...turn.headers, 'x-api-key': KEY },
        body: turn.body,
      });
      expect(res.status).toBe(400);
      expect(fake.strict!.verdicts.at(-1)!.rule).toBe(id);
    });
  },
);
