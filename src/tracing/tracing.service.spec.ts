import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import type { IncomingMessage } from 'node:http';
import { ProxyError } from '../errors/proxy-error';
import { RequestContext } from '../request-context/request-context';
import { parseTarget } from '../request-context/request-target';
import { SdkTracing } from './sdk-tracing';
import { SHUTDOWN_EXPORT_MS, TracingService } from './tracing.service';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

const contextFor = (method: string, url: string) =>
  new RequestContext('req-1', method, parseTarget(url));

const reqOf = (url: string, headers: Record<string, string> = {}) =>
  ({ url, headers }) as unknown as IncomingMessage;

describe('TracingService off', () => {
  const tracing = new TracingService(undefined);

  it('leaves every request untraced and every tap as it was', async () => {
    const context = contextFor('POST', '/chat/completions');
    tracing.requestStarted(
      context,
      reqOf('/chat/completions', {
        traceparent: `00-${TRACE}-${PARENT}-01`,
      }),
    );
    expect(context.trace).toBeUndefined();
    const tap = { chunk: () => undefined, end: () => undefined };
    expect(tracing.tap(context, tap, true)).toBe(tap);
    expect(tracing.within(context, 'x', {}, () => 7)).toBe(7);
    await expect(tracing.run('x', () => Promise.resolve(8))).resolves.toBe(8);
    expect(tracing.enabled).toBe(false);
  });
});

describe('TracingService at shutdown', () => {
  afterEach(() => jest.useRealTimers());

  it('waits for the last export, but no longer than SHUTDOWN_EXPORT_MS', async () => {
    jest.useFakeTimers();
    const tracing = new TracingService({
      startRequest: () => {
        throw new Error('not used');
      },
      run: (_, work) => work(),
      flush: () => Promise.resolve(),
      shutdown: () => new Promise<void>(() => undefined),
    });
    let done = false;
    const shutdown = tracing.onApplicationShutdown().then(() => (done = true));
    await jest.advanceTimersByTimeAsync(SHUTDOWN_EXPORT_MS - 1);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await shutdown;
    expect(done).toBe(true);
  });
});

describe('TracingService on', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracing = new TracingService(
    new SdkTracing(provider.getTracer('test'), provider),
  );
  afterEach(() => exporter.reset());
  afterAll(() => provider.shutdown());

  const spanNamed = (name: string) =>
    exporter.getFinishedSpans().find((s) => s.name === name)!;

  it("continues the client's trace, and ends the model span with the counted usage", () => {
    const context = contextFor('POST', '/v1/chat/completions');
    tracing.requestStarted(
      context,
      reqOf('/v1/chat/completions?api-key=secret', {
        traceparent: `00-${TRACE}-${PARENT}-01`,
      }),
    );
    context.model = 'gpt-4.1';
    context.keyName = 'team';
    context.maxOutputTokens = 100;
    tracing.upstreamStarted(context, {
      method: 'POST',
      path: '/chat/completions',
    });
    const tap = tracing.tap(context, undefined, true)!;
    tap.chunk(Buffer.from('data: {"choices":[{"finish_reason":"stop"}]}\n\n'));
    context.stream = true;
    context.upstreamStatus = 200;
    context.outcome = 'complete';
    context.usage = {
      inputTokens: 12,
      cachedTokens: 0,
      outputTokens: 3,
      premiumRequests: 0,
      credits: 0.5,
      modelLabel: 'gpt-4.1',
      responseModel: 'gpt-4.1-2025-04-14',
    };
    tracing.requestEnded(context, 200);

    const server = spanNamed('POST chat');
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.spanContext().traceId).toBe(TRACE);
    expect(server.parentSpanContext?.spanId).toBe(PARENT);
    expect(server.attributes).toMatchObject({
      'url.path': '/v1/chat/completions',
      'copilot_proxy.key.name': 'team',
      'copilot_proxy.credits': 0.5,
      'http.response.status_code': 200,
    });
    expect(JSON.stringify(server.attributes)).not.toContain('secret');
    const model = spanNamed('chat gpt-4.1');
    expect(model.kind).toBe(SpanKind.CLIENT);
    expect(model.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(model.attributes).toEqual({
      'http.request.method': 'POST',
      'url.path': '/chat/completions',
      'http.response.status_code': 200,
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'github_copilot',
      'gen_ai.request.model': 'gpt-4.1',
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.stream': true,
      'gen_ai.response.model': 'gpt-4.1-2025-04-14',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
    });
    expect(context.trace!.traceId).toBe(TRACE);
  });

  it('reads the compatibility rules and the seat when another stage set them', () => {
    const context = contextFor('POST', '/chat/completions');
    tracing.requestStarted(context, reqOf('/chat/completions'));
    Object.assign(context, {
      adjustments: ['drop-empty-tools'],
      seatLogin: 'octocat',
    });
    tracing.requestEnded(context, 200);
    expect(spanNamed('POST chat').attributes).toMatchObject({
      'copilot_proxy.compat.rules': ['drop-empty-tools'],
      'copilot_proxy.seat.login': 'octocat',
    });
  });

  it('fails the server span of a refusal by its code', () => {
    const context = contextFor('POST', '/chat/completions');
    tracing.requestStarted(context, reqOf('/chat/completions'));
    context.outcome = 'quota_exceeded';
    tracing.requestEnded(context, 429);
    const server = spanNamed('POST chat');
    expect(server.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'quota_exceeded',
    });
    expect(server.attributes['error.type']).toBe('quota_exceeded');
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });

  it("does not trace the proxy's own endpoints", () => {
    const context = contextFor('GET', '/healthz');
    tracing.requestStarted(context, reqOf('/healthz'));
    expect(context.trace).toBeUndefined();
  });

  it('fails a background span by its error code, never its message', async () => {
    await expect(
      tracing.run('copilot.token_exchange', () =>
        Promise.reject(
          new ProxyError('copilot_token_exchange_failed', {
            message: 'refused gho_secret',
          }),
        ),
      ),
    ).rejects.toBeInstanceOf(ProxyError);
    const span = spanNamed('copilot.token_exchange');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('copilot_token_exchange_failed');
    expect(JSON.stringify([span.attributes, span.status])).not.toContain(
      'gho_secret',
    );
  });
});
