import { countedRequest, hangUpAfter } from './support/client-hangup';
import { FakeCopilotApi, FakeModel } from './support/fake-copilot-api';
import { rawRequest, waitFor } from './support/http-client';
import { residentMemory, resetPeak } from './support/proc-status';
import { SpawnedApp, useSpawnedApps } from './support/spawn-app';
import { emptyConfigHome, FIXTURE_COPILOT_TOKEN } from './support/test-app';

/**
 * Issue 18, "Quotas that hold", in spawned processes (`dist/main.js`): what only
 * a real process shows — its resident memory from `/proc`, that it survives odd
 * numbers from upstream, and its log lines.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const JSON_TYPE = { 'content-type': 'application/json' };

const chat = (model: string, text = 'Hi', stream = false) =>
  JSON.stringify({
    model,
    stream,
    messages: [{ role: 'user', content: text }],
  });

/** The JSON lines an app logged so far. */
const logLines = (app: SpawnedApp) =>
  app
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>);

/** The request line of the request with `X-Request-Id: id`, once written. */
async function requestLine(app: SpawnedApp, id: string) {
  let line: Record<string, any> | undefined;
  await waitFor(() => {
    line = logLines(app).find((l) => l.req?.id === id);
    return line !== undefined;
  });
  return line!;
}

/** The caller's (anonymous) month at `/usage`. */
async function month(app: SpawnedApp) {
  const res = await rawRequest(app.url + '/usage');
  expect(res.status).toBe(200);
  return (
    JSON.parse(res.body.toString()).periods as Array<{
      period: string;
      totals: Record<string, number>;
      models: Record<string, Record<string, number>>;
    }>
  ).find((p) => p.period === 'month')!;
}

describe('quotas hold in a process of its own (issue 18)', () => {
  let fake: FakeCopilotApi;
  const spawn = useSpawnedApps(() => ({
    COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
    COPILOT_API_BASE_URL: fake.url,
    XDG_CONFIG_HOME: emptyConfigHome(),
    LOG_FORMAT: 'json',
  }));

  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
  });
  afterAll(() => fake.stop());
  afterEach(() => fake.clearScripts());

  it('9. 100 concurrent answers of 7 MB keep RSS bounded (one budget for what answers hold)', async () => {
    const app = await spawn({ RESPONSE_CACHE: 'all' });
    const pid = app.proc.pid!;
    const content = 'w'.repeat(7_000_000);
    const answer = Buffer.from(
      JSON.stringify({
        id: 'large',
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
      }),
    );
    // 14 pieces 300 ms apart: the 100 answers are all on their way at once
    // (and the relay is not pushed so hard that garbage alone fills the RSS).
    const pieces = Array.from({ length: 14 }, (_, i) =>
      answer.subarray(i * 500_000, i === 13 ? undefined : (i + 1) * 500_000),
    );
    expect(Buffer.concat(pieces).equals(answer)).toBe(true);
    fake.script('/chat/completions', {
      headers: JSON_TYPE,
      chunks: pieces,
      chunkIntervalMs: 300,
      times: 101,
    });
    const ask = (text: string) =>
      countedRequest(app.url + '/v1/chat/completions', {
        method: 'POST',
        headers: JSON_TYPE,
        body: chat('gpt-4o', text),
      });
    // One large answer first, so the baseline has seen one pass.
    expect((await ask('warm-up')).bytes).toBe(answer.length);
    await sleep(200);
    resetPeak(pid);
    const base = residentMemory(pid);
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => ask(`concurrent-${i}`)),
    );
    const took = Date.now() - started;
    const after = residentMemory(pid);
    process.stderr.write(
      `[issue 18 item 9] 100 concurrent 7 MB answers in ${took} ms: RSS ${base.rssMiB.toFixed(0)} MiB before, peak ${after.peakMiB.toFixed(0)} MiB, ${after.rssMiB.toFixed(0)} MiB after\n`,
    );
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.bytes).toBe(answer.length);
    }
    // Held whole, 100 answers twice over (usage tap, cache copy) are 1.4 GB;
    // measured without the budget: a peak of about 930 MiB.
    expect(after.peakMiB).toBeLessThan(512);
    // Every answer was metered, those past the budget by estimate.
    const totals = (await month(app)).totals;
    expect(totals.requests).toBe(101);
    expect(totals.completionTokens).toBeGreaterThan(100 * 4);
  });

  it('14. negative usage numbers and a negative multiplier from upstream: the process serves on, counters never go down', async () => {
    const models: FakeModel[] = structuredClone(fake.models);
    models.find((m) => m.id === 'claude-opus-4')!.billing.multiplier = -10;
    fake.script('/models', {
      headers: JSON_TYPE,
      body: JSON.stringify({ object: 'list', data: models }),
    });
    const app = await spawn({});
    expect(fake.pendingScripts).toBe(0);
    const negative = {
      prompt_tokens: -5,
      completion_tokens: -100,
      total_tokens: -105,
      prompt_tokens_details: { cached_tokens: -3 },
    };
    fake.script('/chat/completions', {
      headers: JSON_TYPE,
      body: `{"id":"n","object":"chat.completion","model":"claude-opus-4","choices":[{"index":0,"message":{"role":"assistant","content":"negative"},"finish_reason":"stop"}],"usage":${JSON.stringify(negative)},"copilot_usage":{"total_nano_aiu":-1000}}`,
    });
    fake.script('/chat/completions', {
      headers: { 'content-type': 'text/event-stream' },
      chunks: [
        `data: {"choices":[{"index":0,"delta":{"content":"negative stream"}}]}\n\n`,
        `data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":${JSON.stringify(negative)},"copilot_usage":{"total_nano_aiu":1e400}}\n\n`,
        'data: [DONE]\n\n',
      ],
    });
    for (const stream of [false, true]) {
      const res = await rawRequest(app.url + '/v1/chat/completions', {
        method: 'POST',
        headers: JSON_TYPE,
        body: chat('claude-opus-4', `negative ${stream}`, stream),
      });
      expect(res.status).toBe(200);
    }
    expect(fake.pendingScripts).toBe(0);
    await sleep(200);
    expect(app.proc.exitCode).toBeNull();
    // Still serving, and its metrics are readable.
    expect(
      (
        await rawRequest(app.url + '/v1/chat/completions', {
          method: 'POST',
          headers: JSON_TYPE,
          body: chat('gpt-4o', 'after'),
        })
      ).status,
    ).toBe(200);
    const metrics = await rawRequest(app.url + '/metrics');
    expect(metrics.status).toBe(200);
    const values = metrics.body
      .toString()
      .split('\n')
      .filter((line) =>
        /^copilot_proxy_(tokens|premium_requests|credits)_total\{/.test(line),
      )
      .map((line) => Number(line.split(' ').at(-1)));
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) {
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
    }
    const opus = (await month(app)).models['claude-opus-4'];
    expect(opus.requests).toBe(2);
    for (const [name, value] of Object.entries(opus)) {
      expect({ name, ok: Number.isFinite(value) && value >= 0 }).toEqual({
        name,
        ok: true,
      });
    }
    // The completion is estimated from the text that passed, never negative.
    expect(opus.completionTokens).toBe(
      Math.ceil('negative'.length / 4) +
        Math.ceil('negative stream'.length / 4),
    );
    expect(app.stderr()).not.toMatch(/unhandled|TypeError|Error:/i);
  });

  describe('log lines', () => {
    let app: SpawnedApp;

    it('of a client-aborted stream carry tokens, usageEstimated, bytes and outcome', async () => {
      app = await spawn({});
      const cut = await hangUpAfter(app.url + '/v1/chat/completions', 11, {
        headers: {
          ...JSON_TYPE,
          'x-request-id': 'aborted-stream-1',
          'x-fake-events': '200',
          'x-fake-interval-ms': '20',
        },
        body: chat('claude-sonnet-4', 'hang up', true),
      });
      expect(cut.events).toHaveLength(11);
      const line = await requestLine(app, 'aborted-stream-1');
      expect(line).toMatchObject({
        aborted: true,
        model: 'claude-sonnet-4',
        stream: true,
        usageEstimated: true,
        outcome: 'client_closed',
      });
      expect(line.bytes).toBeGreaterThan(0);
      // The prompt estimated from the body, the completion from the ten chunks' text.
      expect(line.tokens).toBeGreaterThan(
        Math.ceil(
          Buffer.byteLength(chat('claude-sonnet-4', 'hang up', true)) / 4,
        ),
      );
    });

    it('carry a huge model name truncated', async () => {
      app = await spawn({});
      const model = 'm'.repeat(20_000);
      const res = await rawRequest(app.url + '/v1/chat/completions', {
        method: 'POST',
        headers: { ...JSON_TYPE, 'x-request-id': 'huge-model-1' },
        body: chat(model),
      });
      expect(res.status).toBe(400);
      const line = await requestLine(app, 'huge-model-1');
      expect(typeof line.model).toBe('string');
      expect(line.model.length).toBeLessThanOrEqual(101);
      expect(line.model.startsWith('mmmm')).toBe(true);
      expect(app.stdout()).not.toContain('m'.repeat(200));
    });
  });
});
