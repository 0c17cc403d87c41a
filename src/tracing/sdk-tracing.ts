import { SpanKind, Tracer } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import type { RequestContext } from '../request-context/request-context';
import { failed, RequestTrace } from './request-trace';
import type { TraceExport } from './tracing.service';

/**
 * Tracing with the SDK started: loaded with it, only when an endpoint is set,
 * so that a proxy without traces loads no OpenTelemetry code at all.
 */
export class SdkTracing implements TraceExport {
  constructor(
    private readonly tracer: Tracer,
    private readonly provider: {
      forceFlush(): Promise<void>;
      shutdown(): Promise<void>;
    },
  ) {}

  startRequest(context: RequestContext, req: IncomingMessage): RequestTrace {
    return new RequestTrace(this.tracer, context, req.headers, req.url ?? '');
  }

  run<T>(name: string, work: () => Promise<T>): Promise<T> {
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

  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}
