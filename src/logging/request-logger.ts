import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { getRequestLogFields } from './request-log-fields';
import { requestId } from './request-id';

export type LoggedRequest = IncomingMessage & { id?: string };

/** The path without the query: the query is the client's business and may hold secrets. */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * One JSON line per request — id, method, path, status, duration, upstream status,
 * bytes, outcome — written when the response closes. It listens on the HTTP server
 * ahead of Express, so it sees every request (refused ones too) and names the
 * request id before any route runs. It makes no per-request child logger, and
 * builds nothing when the level is off: pino-http's middleware cost a quarter of
 * the proxy's throughput (README, Performance). Fields are named explicitly, so
 * headers — and with them every credential — never reach the log.
 */
export class RequestLogger {
  constructor(private readonly logger: Logger) {}

  attach(server: Server): void {
    server.prependListener('request', this.onRequest);
  }

  private readonly onRequest = (
    req: LoggedRequest,
    res: ServerResponse,
  ): void => {
    const started = performance.now();
    const id = requestId(req, res);
    req.id = id;
    res.once('close', () => {
      const statusCode = res.statusCode;
      const complete = res.writableFinished;
      const level = statusCode >= 500 || !complete ? 'warn' : 'info';
      if (!this.logger.isLevelEnabled(level)) return;
      const method = req.method ?? '';
      const path = pathOf(req.url ?? '');
      this.logger[level](
        {
          reqId: id,
          req: { id, method, path },
          res: { statusCode },
          durationMs: Math.round(performance.now() - started),
          ...(complete ? undefined : { aborted: true }),
          ...getRequestLogFields(res),
        },
        `${method} ${path} ${statusCode}`,
      );
    });
  };
}
