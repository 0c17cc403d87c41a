import { Module } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { appConfig, AppConfig } from '../config/app.config';
import { getRequestLogFields } from './request-log-fields';
import { requestId } from './request-id';

type LoggedRequest = IncomingMessage & { id?: unknown; originalUrl?: string };

function pathOf(req: LoggedRequest): string {
  const url = req.originalUrl ?? req.url ?? '';
  const q = url.indexOf('?');
  // The query is left out: it is the client's business and may carry secrets.
  return q === -1 ? url : url.slice(0, q);
}

/**
 * One JSON line per request (id, method, path, status, duration, upstream status,
 * bytes). Request and response serializers name fields explicitly, so headers —
 * and with them every credential — never reach the log; redaction is the backstop.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          genReqId: requestId,
          quietReqLogger: true,
          redact: {
            paths: [
              'req.headers.authorization',
              'req.headers["x-api-key"]',
              'req.headers.cookie',
              '*.token',
            ],
            censor: '[redacted]',
          },
          serializers: {
            req: (req: LoggedRequest) => ({
              id: req.id,
              method: req.method,
              path: pathOf(req),
            }),
            res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
            err: (err: Error) => ({ type: err.name, message: err.message }),
          },
          customLogLevel: (
            _req: IncomingMessage,
            res: ServerResponse,
            err?: Error,
          ) => (err || res.statusCode >= 500 ? 'warn' : 'info'),
          customSuccessMessage: (req: IncomingMessage, res: ServerResponse) =>
            `${req.method} ${pathOf(req)} ${res.statusCode}`,
          customErrorMessage: (req: IncomingMessage, res: ServerResponse) =>
            `${req.method} ${pathOf(req)} ${res.statusCode}`,
          customSuccessObject: (
            _req: IncomingMessage,
            res: ServerResponse,
            value: object,
          ) => ({
            ...value,
            ...getRequestLogFields(res),
          }),
          customErrorObject: (
            _req: IncomingMessage,
            res: ServerResponse,
            _err: Error,
            value: object,
          ) => ({
            ...value,
            ...getRequestLogFields(res),
          }),
          customAttributeKeys: { responseTime: 'durationMs' },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
