import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MetricsService } from '../metrics/metrics.service';
import { requestContext } from '../request-context/request-context';
import { errorShapeFor, writeError } from './error-writer';
import { ProxyError, ProxyErrorCode } from './proxy-error';

const CODE_BY_STATUS: Record<number, ProxyErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  429: 'rate_limit_exceeded',
};

/**
 * The one place a failure becomes an answer: its status and JSON body (written by
 * `writeError`), the log line's outcome and detail, and the upstream-failure
 * metric. Bodies that come in their own shape (the health checks' report) go out
 * unchanged; unknown failures become a bare 500 and are logged, never echoed. When
 * the answer has already begun, the connection is cut instead.
 */
@Catch()
export class ProxyExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly metrics: MetricsService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<ServerResponse>();
    const ownBody = reportBody(exception);
    if (ownBody !== undefined && !res.headersSent) {
      res.writeHead(ownBody.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(ownBody.text),
      });
      res.end(ownBody.text);
      return;
    }
    const error = this.toProxyError(exception);
    const req = http.getRequest<IncomingMessage>();
    const context = requestContext(req);
    // Refused before its body was read: the connection cannot carry another
    // request after the unread rest, so the answer closes it.
    if (!req.complete) res.shouldKeepAlive = false;
    context.outcome = error.code;
    context.detail = error.detail;
    if (error.metric) this.metrics.upstreamFailures.inc({ kind: error.metric });
    if (
      !writeError(res, error, errorShapeFor(context.route)) &&
      !res.writableEnded
    )
      res.destroy();
  }

  private toProxyError(exception: unknown): ProxyError {
    if (exception instanceof ProxyError) return exception;
    const status = statusOf(exception);
    const code = status !== undefined ? CODE_BY_STATUS[status] : undefined;
    if (code) {
      return new ProxyError(code, {
        message: (exception as Error).message || undefined,
      });
    }
    this.logger.error(
      `unhandled error: ${(exception as Error)?.message ?? String(exception)}`,
    );
    return new ProxyError('internal_error');
  }
}

/** Nest's and Express's errors carry their status in one of these. */
function statusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { status?: unknown })?.status;
  return typeof status === 'number' ? status : undefined;
}

/** An HttpException whose body is a report of its own (terminus), not a message. */
function reportBody(
  exception: unknown,
): { status: number; text: string } | undefined {
  if (!(exception instanceof HttpException)) return undefined;
  const body = exception.getResponse();
  if (typeof body !== 'object' || body === null || 'statusCode' in body)
    return undefined;
  return { status: exception.getStatus(), text: JSON.stringify(body) };
}
