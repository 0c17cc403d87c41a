import { OnApplicationShutdown } from '@nestjs/common';
import type { Attributes } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import type { BodyTap } from '../http/body-tap';
import type { RequestContext } from '../request-context/request-context';
import type { RequestTrace } from './request-trace';
import { inputContent } from './span-attributes';

/** The longest the last export may hold a shutdown. */
export const SHUTDOWN_EXPORT_MS = 5_000;

/** Tracing with the SDK started (`SdkTracing`); absent, tracing is off. */
export interface TraceExport {
  startRequest(context: RequestContext, req: IncomingMessage): RequestTrace;
  /** `work` in a span of its own, failed when it throws. */
  run<T>(name: string, work: () => Promise<T>): Promise<T>;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * The one place the request path meets OpenTelemetry (SPEC §15). Off — no
 * endpoint — no OpenTelemetry code is loaded, every hook returns at its first
 * check and nothing is allocated per request: a request's context holds no
 * trace, and the later hooks test only that. On, a request gets a
 * `RequestTrace` as it arrives; the proxy's own endpoints (probes, scrapes,
 * the dashboard) are not traced.
 */
export class TracingService implements OnApplicationShutdown {
  constructor(
    private readonly sdk: TraceExport | undefined,
    private readonly captureContent = false,
  ) {}

  get enabled(): boolean {
    return this.sdk !== undefined;
  }

  /** A request arrived (`ServerListeners`, ahead of everything else). */
  requestStarted(context: RequestContext, req: IncomingMessage): void {
    if (this.sdk === undefined || context.route === 'service') return;
    context.trace = this.sdk.startRequest(context, req);
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
    const trace = context.trace;
    return trace === undefined ? work() : trace.within(name, attributes, work);
  }

  /**
   * `work` in a span of its own, outside any request (the token exchange and
   * the `/models` fetch, which requests share).
   */
  run<T>(name: string, work: () => Promise<T>): Promise<T> {
    return this.sdk === undefined ? work() : this.sdk.run(name, work);
  }

  /** Exports the spans ended so far. */
  flush(): Promise<void> {
    return this.sdk?.flush() ?? Promise.resolve();
  }

  /**
   * The last spans are exported before the process ends — within
   * `SHUTDOWN_EXPORT_MS`: a collector that does not answer never holds the exit.
   */
  async onApplicationShutdown(): Promise<void> {
    if (this.sdk === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.sdk.shutdown().catch(() => undefined),
      new Promise((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_EXPORT_MS);
      }),
    ]);
    clearTimeout(timer);
  }
}
