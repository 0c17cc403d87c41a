import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { RequestContext } from '../request-context/request-context';

/** The path without the query: the query is the client's business and may hold secrets. */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * One JSON line per request — id, method, path, status, duration, upstream status,
 * bytes, outcome — written when the response closes (`ServerListeners` calls it),
 * so refused requests are logged too. No per-request child logger, and nothing is
 * built when the level is off: pino-http's middleware cost a quarter of the proxy's
 * throughput (README, Performance). Fields are named explicitly, so headers — and
 * with them every credential — never reach the log.
 */
export class RequestLogger {
  constructor(private readonly logger: Logger) {}

  write(context: RequestContext, res: ServerResponse): void {
    const statusCode = res.statusCode;
    const complete = res.writableFinished;
    const level = statusCode >= 500 || !complete ? 'warn' : 'info';
    if (!this.logger.isLevelEnabled(level)) return;
    const { id, method } = context;
    const path = pathOf(res.req.url ?? '');
    this.logger[level](
      {
        reqId: id,
        req: { id, method, path },
        res: { statusCode },
        durationMs: Math.round(performance.now() - context.startedAt),
        ...(complete ? undefined : { aborted: true }),
        ...(context.keyName !== undefined && { key: context.keyName }),
        ...(context.model !== undefined && { model: context.model }),
        ...(context.initiator !== undefined && {
          initiator: context.initiator,
        }),
        ...(context.cache !== undefined && { cache: context.cache }),
        ...(context.upstreamStatus !== undefined && {
          upstreamStatus: context.upstreamStatus,
        }),
        ...(context.bytes !== undefined && { bytes: context.bytes }),
        ...(context.tokens !== undefined && { tokens: context.tokens }),
        ...(context.outcome !== undefined && { outcome: context.outcome }),
        ...(context.detail !== undefined && { detail: context.detail }),
      },
      `${method} ${path} ${statusCode}`,
    );
  }
}
