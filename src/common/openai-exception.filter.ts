import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { sendOpenAiError } from './openai-error';

const TYPE_BY_STATUS: Record<number, string> = {
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
};

/**
 * Every error the service raises itself (malformed requests, guards, limits) leaves
 * as an OpenAI-style JSON error. Bodies an exception brings in its own shape (the
 * health checks' report) go out unchanged; unknown failures become a bare 500 and
 * are logged, never echoed.
 */
@Catch()
export class OpenAiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(OpenAiExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<ServerResponse>();
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (!(exception instanceof HttpException)) {
      this.logger.error(
        `unhandled error: ${(exception as Error)?.message ?? String(exception)}`,
      );
      return sendOpenAiError(
        res,
        500,
        'Internal error in the proxy',
        'server_error',
        'internal_error',
      );
    }
    const status = exception.getStatus();
    const body = exception.getResponse();
    if (typeof body === 'object' && body !== null && !('statusCode' in body)) {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }
    const type =
      TYPE_BY_STATUS[status] ??
      (status >= 500 ? 'server_error' : 'invalid_request_error');
    const code =
      (exception as { code?: string }).code ??
      snakeCase(exception.name.replace(/Exception$/, ''));
    sendOpenAiError(res, status, exception.message, type, code);
  }
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
