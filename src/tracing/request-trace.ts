import {
  Attributes,
  Context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
  Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { IncomingHttpHeaders } from 'node:http';
import type { BodyTap } from '../http/body-tap';
import type { RequestContext } from '../request-context/request-context';
import { FinishReasons } from './finish-reasons';
import {
  failureOf,
  genAiAttributes,
  httpMethod,
  operationOf,
  pathOf,
  proxyAttributes,
} from './span-attributes';

const propagator = new W3CTraceContextPropagator();

/**
 * The spans of one traced request: the server span, from the request's arrival
 * (continuing the client's `traceparent`) to the moment its response closed —
 * after a stream's final usage was counted — and the client span of its
 * upstream call, which carries the GenAI attributes. Other stages add children
 * (`within`). Attributes are read from the request's context when it ends.
 */
export class RequestTrace {
  readonly server: Span;
  /** The server span as a parent. */
  readonly parent: Context;
  private upstream: Span | undefined;
  private finish: FinishReasons | undefined;
  private content: Attributes | undefined;

  constructor(
    private readonly tracer: Tracer,
    context: RequestContext,
    headers: IncomingHttpHeaders,
    url: string,
  ) {
    const remote = propagator.extract(
      ROOT_CONTEXT,
      headers,
      defaultTextMapGetter,
    );
    const method = httpMethod(context.method);
    this.server = tracer.startSpan(
      `${method} ${context.route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          'http.route': context.route,
          'url.path': pathOf(url),
          'copilot_proxy.request_id': context.id,
        },
      },
      remote,
    );
    this.parent = trace.setSpan(ROOT_CONTEXT, this.server);
  }

  get traceId(): string {
    return this.server.spanContext().traceId;
  }

  get spanId(): string {
    return this.server.spanContext().spanId;
  }

  /** `work`, a stage of this request, in a span under the server span. */
  within<T>(name: string, attributes: Attributes, work: () => T): T {
    const span = this.tracer.startSpan(
      name,
      { kind: SpanKind.INTERNAL, attributes },
      this.parent,
    );
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
   * The request goes upstream now: its client span starts, named as a GenAI
   * inference (`chat gpt-4.1`) for a model call, by its method otherwise.
   */
  upstreamStarted(context: RequestContext, method: string, path: string): void {
    const name =
      context.endpoint === undefined
        ? httpMethod(method)
        : `${operationOf(context)} ${context.model ?? ''}`.trimEnd();
    this.upstream ??= this.tracer.startSpan(
      name,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': httpMethod(method),
          'url.path': pathOf(path),
        },
      },
      this.parent,
    );
  }

  /** `tap` (the metering), with the answer's finish reasons read beside it. */
  tap(tap: BodyTap | undefined, streaming: boolean): BodyTap {
    const finish = (this.finish = new FinishReasons(streaming));
    return {
      chunk: (chunk) => {
        finish.push(chunk);
        tap?.chunk(chunk);
      },
      end: (outcome) => tap?.end(outcome),
    };
  }

  /** Message content for the model span (only when capture is on). */
  captured(content: Attributes): void {
    this.content = content;
  }

  /** The response closed: both spans end with what the request came to. */
  end(context: RequestContext, status: number): void {
    const failure = failureOf(context, status);
    if (this.upstream) this.endUpstream(this.upstream, context, failure);
    this.server.setAttributes(proxyAttributes(context));
    this.server.setAttribute('http.response.status_code', status);
    if (failure) {
      this.server.setAttribute('error.type', failure);
      this.server.setStatus({ code: SpanStatusCode.ERROR, message: failure });
    }
    this.server.end();
  }

  /** An upstream 4xx or 5xx, or no answer at all, fails the client span. */
  private endUpstream(
    span: Span,
    context: RequestContext,
    failure: string | undefined,
  ): void {
    span.setAttributes({
      ...genAiAttributes(context, this.finish?.reasons),
      ...this.content,
    });
    const upstreamStatus = context.upstreamStatus;
    const error =
      upstreamStatus === undefined
        ? failure
        : upstreamStatus >= 400
          ? String(upstreamStatus)
          : undefined;
    if (upstreamStatus !== undefined)
      span.setAttribute('http.response.status_code', upstreamStatus);
    if (error) {
      span.setAttribute('error.type', error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error });
    }
    span.end();
  }
}

/** A span whose work threw: its error code (a `ProxyError`'s), never its message. */
export function failed(span: Span, error: unknown): void {
  const code = (error as { code?: unknown } | undefined)?.code;
  const type = typeof code === 'string' ? code : 'error';
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}
