import request from 'supertest';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { rawRequest, RawResponse, waitFor } from './support/http-client';
import { keysFile } from './support/keys-file';
import {
  KIND,
  OtlpReceiver,
  ReceivedSpan,
  STATUS,
} from './support/otlp-receiver';
import { spawnApp, SpawnedApp } from './support/spawn-app';
import {
  emptyConfigHome,
  FIXTURE_COPILOT_TOKEN,
  FIXTURE_GITHUB_TOKEN,
  startApp,
  TestApp,
} from './support/test-app';
import { TracingService } from '../src/tracing/tracing.service';

const TEAM_KEY = 'sk-traces-team-0000000001';
const SPENT_KEY = 'sk-traces-spent-000000002';
const WRONG_KEY = 'sk-traces-wrong-000000003';
const KEYS = `
keys:
  - name: team
    key: ${TEAM_KEY}
  - name: spent
    key: ${SPENT_KEY}
    quota: { period: month, premiumRequests: 0 }
`;
/** Message content no span may carry (unless capture is on). */
const PROMPT = 'the-secret-plan-of-the-prompt';
const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

interface Setup {
  receiver: OtlpReceiver;
  fake: FakeCopilotApi;
  app: SpawnedApp;
}

/**
 * A receiver, a fake Copilot API and the built proxy (`dist/main.js`) exporting
 * to the receiver, a batch every 50 ms: a process of its own, because the OTLP
 * exporter loads `node:http` by a dynamic `import()`, which Jest's module
 * sandbox refuses.
 */
function useTracedProxy(
  env: (fake: FakeCopilotApi) => Record<string, string>,
  fakeOptions = {},
): Setup {
  const setup = {} as Setup;
  beforeAll(async () => {
    setup.receiver = await new OtlpReceiver().start();
    setup.fake = await new FakeCopilotApi(fakeOptions).start();
    setup.app = await spawnApp({
      XDG_CONFIG_HOME: emptyConfigHome(),
      OTEL_EXPORTER_OTLP_ENDPOINT: setup.receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '50',
      ...env(setup.fake),
    });
  });
  afterAll(async () => {
    setup.app?.proc.kill('SIGTERM');
    await setup.app?.exited;
    await setup.fake?.stop();
    await setup.receiver?.stop();
  });
  return setup;
}

/** Waits until `found` finds what it looks for in the spans received so far. */
async function received<T>(
  setup: Setup,
  found: (spans: ReceivedSpan[]) => T | undefined,
): Promise<T> {
  let result: T | undefined;
  await waitFor(() => {
    result = found(setup.receiver.spans);
    return result !== undefined;
  });
  return result!;
}

/** The server span of the request answered `res` (by its `X-Request-Id`). */
const serverSpanOf = (setup: Setup, res: RawResponse) =>
  received(setup, (spans) =>
    spans.find(
      (s) =>
        s.kind === KIND.SERVER &&
        s.attributes['copilot_proxy.request_id'] ===
          res.headers['x-request-id'],
    ),
  );

/** The JSON log line of the request answered `res`. */
async function logLineOf(setup: Setup, res: RawResponse): Promise<any> {
  let line: any;
  await waitFor(() => {
    line = setup.app
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .find((l) => l.reqId === res.headers['x-request-id']);
    return line !== undefined;
  });
  return line;
}

const childrenOf = (setup: Setup, span: ReceivedSpan) =>
  setup.receiver.spans.filter((s) => s.parentSpanId === span.spanId);

const post = (
  setup: Setup,
  path: string,
  body: object,
  headers: Record<string, string> = {},
) =>
  rawRequest(setup.app.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

/** The last `usage` and `model` an event stream's data lines carried. */
function finalUsage(res: RawResponse): { model: string; usage: any } {
  let last: any;
  for (const [, data] of res.body.toString().matchAll(/^data: (\{.*\})$/gm)) {
    const doc = JSON.parse(data);
    if (doc.usage) last = doc;
  }
  return { model: last.model, usage: last.usage };
}

const headerNames = (rawHeaders: string[]) =>
  rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());

describe('traces: OTLP/protobuf (the default), client keys and quotas', () => {
  const setup = useTracedProxy((fake) => ({
    COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
    COPILOT_API_BASE_URL: fake.url,
    PROXY_KEYS_FILE: keysFile(KEYS),
    OTEL_SERVICE_NAME: 'gateway-under-test',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test',
  }));
  const team = { authorization: `Bearer ${TEAM_KEY}` };

  it("continues the client's trace: a server span, its upstream child with the stream's final usage, the log line's ids", async () => {
    const res = await post(
      setup,
      '/v1/chat/completions',
      {
        model: 'gpt-4o',
        stream: true,
        max_tokens: 50,
        messages: [{ role: 'user', content: PROMPT }],
      },
      {
        ...team,
        traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`,
        tracestate: 'client=opaque',
      },
    );
    expect(res.status).toBe(200);
    const { server, upstream } = await received(setup, (spans) => {
      const trace = spans.filter((s) => s.traceId === CLIENT_TRACE);
      const server = trace.find((s) => s.kind === KIND.SERVER);
      const upstream = trace.find((s) => s.kind === KIND.CLIENT);
      return server && upstream ? { server, upstream } : undefined;
    });
    expect(server.parentSpanId).toBe(CLIENT_SPAN);
    expect(server.name).toBe('POST chat');
    expect(server.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': 'chat',
      'http.response.status_code': 200,
      'copilot_proxy.key.name': 'team',
      'copilot_proxy.model': 'gpt-4o',
      'copilot_proxy.premium_requests': 1,
    });
    expect(server.status.code).toBe(STATUS.UNSET);
    expect(server.resource).toMatchObject({
      'service.name': 'gateway-under-test',
      'deployment.environment': 'test',
    });
    const final = finalUsage(res);
    expect(upstream.parentSpanId).toBe(server.spanId);
    expect(upstream.name).toBe('chat gpt-4o');
    expect(upstream.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'github_copilot',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.stream': true,
      'gen_ai.response.model': final.model,
      'gen_ai.usage.input_tokens': final.usage.prompt_tokens,
      'gen_ai.usage.output_tokens': final.usage.completion_tokens,
      'gen_ai.response.finish_reasons': ['stop'],
      'http.response.status_code': 200,
    });
    expect(final.usage.completion_tokens).toBeGreaterThan(0);
    // The request's log line joins its trace.
    const line = await logLineOf(setup, res);
    expect(line).toMatchObject({
      trace_id: CLIENT_TRACE,
      span_id: server.spanId,
    });
    // The client's trace context stays home: Copilot gets neither header.
    const seen = setup.fake.lastRequest('/chat/completions')!;
    expect(headerNames(seen.rawHeaders)).not.toContain('traceparent');
    expect(headerNames(seen.rawHeaders)).not.toContain('tracestate');
    expect(setup.receiver.contentTypes).toEqual(
      new Set(['application/x-protobuf']),
    );
    expect(setup.app.stdout()).toContain(
      `traces exported to ${setup.receiver.url} over http/protobuf`,
    );
  });

  it('names the direction of a translated call, with a span for the translation', async () => {
    const res = await post(
      setup,
      '/v1/messages',
      {
        model: 'gpt-4o',
        max_tokens: 20,
        stream: true,
        messages: [{ role: 'user', content: PROMPT }],
      },
      team,
    );
    expect(res.status).toBe(200);
    expect(res.headers['x-copilot-bridge']).toBe('messages->chat');
    const server = await serverSpanOf(setup, res);
    expect(server.attributes).toMatchObject({
      'http.route': 'messages',
      'copilot_proxy.bridge.direction': 'messages->chat',
    });
    const children = childrenOf(setup, server);
    expect(
      children.find((s) => s.name === 'copilot_proxy.bridge.translate')
        ?.attributes,
    ).toMatchObject({ 'copilot_proxy.bridge.direction': 'messages->chat' });
    const upstream = children.find((s) => s.kind === KIND.CLIENT)!;
    expect(upstream.attributes).toMatchObject({
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.finish_reasons': ['stop'],
      'url.path': '/chat/completions',
    });
    expect(upstream.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(
      0,
    );
  });

  it('fails the server span of a call refused for its key (401), with no upstream span', async () => {
    const upstreamBefore = setup.fake.requests.length;
    const res = await post(
      setup,
      '/chat/completions',
      { model: 'gpt-4o', messages: [{ role: 'user', content: PROMPT }] },
      { authorization: `Bearer ${WRONG_KEY}` },
    );
    expect(res.status).toBe(401);
    const server = await serverSpanOf(setup, res);
    expect(server.status.code).toBe(STATUS.ERROR);
    expect(server.attributes).toMatchObject({
      'http.response.status_code': 401,
      'error.type': 'unauthorized',
    });
    // The client span would have ended, and been exported, before its parent.
    expect(childrenOf(setup, server)).toEqual([]);
    expect(setup.fake.requests.length).toBe(upstreamBefore);
  });

  it('fails the server span of a call refused by its quota (429), with no upstream span', async () => {
    const res = await post(
      setup,
      '/chat/completions',
      {
        model: 'claude-sonnet-4',
        messages: [{ role: 'user', content: PROMPT }],
      },
      { authorization: `Bearer ${SPENT_KEY}` },
    );
    expect(res.status).toBe(429);
    const server = await serverSpanOf(setup, res);
    expect(server.status.code).toBe(STATUS.ERROR);
    expect(server.attributes).toMatchObject({
      'http.response.status_code': 429,
      'error.type': 'quota_exceeded',
      'copilot_proxy.key.name': 'spent',
    });
    expect(childrenOf(setup, server)).toEqual([]);
  });

  it('marks the upstream span of an upstream error, not the server span that relayed it', async () => {
    const res = await post(
      setup,
      '/chat/completions',
      { model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] },
      team,
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const server = await serverSpanOf(setup, res);
    expect(server.status.code).toBe(STATUS.UNSET);
    const upstream = childrenOf(setup, server).find(
      (s) => s.kind === KIND.CLIENT,
    )!;
    expect(upstream.status.code).toBe(STATUS.ERROR);
    expect(upstream.attributes['error.type']).toBe(String(res.status));
  });

  it('never exports a token, a client key or message content', async () => {
    // Every request above was waited for; the start-up fetch of /models too.
    await received(setup, (spans) =>
      spans.some((s) => s.name === 'copilot.models_fetch') ? true : undefined,
    );
    const everything =
      setup.receiver.text() + JSON.stringify(setup.receiver.spans);
    for (const secret of [
      FIXTURE_COPILOT_TOKEN,
      TEAM_KEY,
      SPENT_KEY,
      WRONG_KEY,
      PROMPT,
    ])
      expect(everything).not.toContain(secret);
  });
});

describe('traces: OTLP/JSON, a GitHub token exchanged, message content captured', () => {
  const setup = useTracedProxy(
    (fake) => ({
      GITHUB_TOKEN: FIXTURE_GITHUB_TOKEN,
      GITHUB_API_BASE_URL: fake.url,
      COPILOT_API_BASE_URL: fake.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
    }),
    { githubTokens: [FIXTURE_GITHUB_TOKEN] },
  );

  it('traces the token exchange and the /models fetch', async () => {
    const names = await received(setup, (spans) => {
      const names = spans.map((s) => s.name);
      return names.includes('copilot.token_exchange') &&
        names.includes('copilot.models_fetch')
        ? names
        : undefined;
    });
    expect(names).toContain('copilot.token_exchange');
    expect(setup.receiver.contentTypes).toEqual(new Set(['application/json']));
  });

  it('puts the prompt on the model span only because capture is on, and never a token', async () => {
    const res = await post(setup, '/chat/completions', {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: PROMPT }],
    });
    expect(res.status).toBe(200);
    const server = await serverSpanOf(setup, res);
    const upstream = childrenOf(setup, server).find(
      (s) => s.kind === KIND.CLIENT,
    )!;
    expect(upstream.attributes['gen_ai.request.stream']).toBe(false);
    expect(upstream.attributes['gen_ai.input.messages']).toContain(PROMPT);
    expect(upstream.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(
      0,
    );
    const everything =
      setup.receiver.text() + JSON.stringify(setup.receiver.spans);
    expect(everything).not.toContain(FIXTURE_GITHUB_TOKEN);
    for (const token of setup.fake.copilotTokens)
      expect(everything).not.toContain(token);
  });
});

describe('traces: the compatibility rules a request needed', () => {
  const setup = useTracedProxy((fake) => ({
    COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
    COPILOT_API_BASE_URL: fake.url,
  }));

  it('names the rules applied on the server span, and none when none applied', async () => {
    const stored = await post(setup, '/v1/responses', {
      model: 'gpt-5-mini',
      store: true,
      input: 'hi',
    });
    expect(stored.headers['x-copilot-adjusted']).toBe('store');
    const plain = await post(setup, '/v1/responses', {
      model: 'gpt-5-mini',
      store: false,
      input: 'hi',
    });
    expect((await serverSpanOf(setup, stored)).attributes).toMatchObject({
      'http.route': 'responses',
      'copilot_proxy.compat.rules': ['store'],
    });
    expect((await serverSpanOf(setup, plain)).attributes).not.toHaveProperty(
      'copilot_proxy.compat.rules',
    );
  });
});

describe('traces off: no endpoint', () => {
  const setup = {} as { fake: FakeCopilotApi; proxy: TestApp };
  beforeAll(async () => {
    setup.fake = await new FakeCopilotApi().start();
    setup.proxy = await startApp({
      COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
      COPILOT_API_BASE_URL: setup.fake.url,
    });
  });
  afterAll(async () => {
    await setup.proxy?.close();
    await setup.fake?.stop();
  });

  it("starts no SDK, still keeps the client's traceparent home, and still times tokens", async () => {
    expect(setup.proxy.app.get(TracingService).enabled).toBe(false);
    const res = await rawRequest(`${setup.proxy.url}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`,
        tracestate: 'client=opaque',
      },
      body: JSON.stringify({
        model: 'gpt-4o',
        stream: true,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    expect(res.status).toBe(200);
    const seen = setup.fake.lastRequest('/chat/completions')!;
    expect(headerNames(seen.rawHeaders)).not.toContain('traceparent');
    expect(headerNames(seen.rawHeaders)).not.toContain('tracestate');
    const scrape = async () =>
      (await request(setup.proxy.app.getHttpServer()).get('/metrics')).text;
    // The histograms are observed when the response has closed, just after the client read it.
    await waitFor(async () =>
      (await scrape()).includes(
        'copilot_proxy_time_to_first_token_seconds_count{route="chat",model="gpt-4o"} 1',
      ),
    );
    expect(await scrape()).toContain(
      'copilot_proxy_time_per_output_token_seconds_count{route="chat",model="gpt-4o"} 1',
    );
  });
});
