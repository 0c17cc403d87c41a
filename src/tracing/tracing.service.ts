import { OnApplicationShutdown } from '@nestjs/common';
import {
  Attributes,
  Span,
  SpanKind,
  SpanStatusCode,
  Tracer,
} from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import type { BodyTap } from '../http/body-tap';
import type { RequestContext } from '../request-context/request-context';
import { RequestTrace } from './request-trace';
import { inputContent } from './span-attributes';

/** What the service needs of the SDK's provider (absent: tracing is off). */
export interface TraceExport {
  tracer: Tracer;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * The one place the request path meets OpenTelemetry (SPEC §15). Off — no
 * endpoint — every hook returns at its first check and nothing is allocated
 * per request: a request's context holds no trace, and the later hooks test
 * only that. On, a request gets a `RequestTrace` as it arrives; the proxy's
 * own endpoints (probes, scrapes, the dashboard) are not traced.
 */
export class TracingService implements OnApplicationShutdown {
  private readonly tracer: Tracer | undefined;

  constructor(
    private readonly sdk: TraceExport | undefined,
    private readonly captureContent = false,
  ) {
    this.tracer = sdk?.tracer;
  }

  get enabled(): boolean {
    return this.tracer !== undefined;
  }

  /** A request arrived (`ServerListeners`, ahead of everything else). */
  requestStarted(context: RequestContext, req: IncomingMessage): void {
    if (this.tracer === undefined || context.route === 'service') return;
    context.trace = new RequestTrace(
      this.tracer,
      context,
      req.headers,
      req.url ?? '',
    );
  }

  /** Its response closed, the answer's usage counted: the spans end. */
  requestEnded(context: RequestContext, status: number): void {
    context.trace?.end(context, status);
  }

  /** The request goes upstream (the upstream call's client span). */
  upstreamStarted(
    context: RequestContext,
    request: { method: string; path: string },
  ): void {
    context.trace?.upstreamStarted(context, request.method, request.path);
  }

  /** The metering tap, with the finish reasons read beside it when traced. */
  tap(
    context: RequestContext,
    tap: BodyTap | undefined,
    streaming: boolean,
  ): BodyTap | undefined {
    const trace = context.trace;
    if (trace === undefined || context.endpoint === undefined) return tap;
    return trace.tap(tap, streaming);
  }

  /** The parsed body of a model call: its prompt, only when capture is on. */
  captureInput(context: RequestContext, body: unknown): void {
    if (context.trace === undefined || !this.captureContent) return;
    context.trace.captured(inputContent(body));
  }

  /** `work` for a traced request in a child span (failed when it throws). */
  within<T>(
    context: RequestContext,
    name: string,
    attributes: Attributes,
    work: () => T,
  ): T {
    const span = context.trace?.child(name, attributes);
    if (span === undefined) return work();
    try {
      return work();
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /**
   * `work` in a span of its own, outside any request (the token exchange and
   * the `/models` fetch, which requests share): failed when it throws.
   */
  run<T>(name: string, work: () => Promise<T>): Promise<T> {
    if (this.tracer === undefined) return work();
    const span = this.tracer.startSpan(name, { kind: SpanKind.INTERNAL });
    return work().then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        failed(span, error);
        span.end();
        throw error;
      },
    );
  }

  /** Exports the spans ended so far (tests wait on it). */
  flush(): Promise<void> {
    return this.sdk?.forceFlush() ?? Promise.resolve();
  }

  /** The last spans are exported before the process ends. */
  async onApplicationShutdown(): Promise<void> {
    await this.sdk?.shutdown().catch(() => undefined);
  }
}

/** A span whose work threw: its error code (a `ProxyError`'s), never its message. */
function failed(span: Span, error: unknown): void {
  const type = (error as { code?: unknown }).code;
  const name = typeof type === 'string' ? type : 'error';
  span.setAttribute('error.type', name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: name });
}
