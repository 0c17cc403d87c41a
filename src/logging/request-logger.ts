import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { RequestContext } from '../request-context/request-context';

/** The path without the query: the query is the client's business and may hold secrets. */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

type Level = 'debug' | 'info' | 'warn';

/**
 * warn: the proxy's own 5xx, a request cut short, an upstream 429 or 5xx;
 * debug: probes and scrapes (`/healthz`, `/readyz`, `/metrics`); info: the rest.
 */
function levelOf(context: RequestContext, res: ServerResponse): Level {
  const upstream = context.upstreamStatus;
  if (
    res.statusCode >= 500 ||
    !res.writableFinished ||
    upstream === 429 ||
    (upstream !== undefined && upstream >= 500)
  )
    return 'warn';
  return context.route === 'service' ? 'debug' : 'info';
}

const ms = (value: number | undefined) =>
  value === undefined ? undefined : Math.round(value * 10) / 10;

/**
 * One JSON line per request, written when the response closes (`ServerListeners`
 * calls it), so refused requests are logged too: ISO time, id, method, path,
 * status, duration, the key's name, model, initiator, stream, time to upstream
 * headers and to the first body byte, upstream status, bytes, tokens, cache
 * result, outcome, and the start of an upstream error body. No per-request child
 * logger, nothing built when the level is off. Fields are named explicitly, so
 * headers — and with them every credential — never reach the log.
 */
export class RequestLogger {
  constructor(private readonly logger: Logger) {}

  write(context: RequestContext, res: ServerResponse): void {
    const level = levelOf(context, res);
    if (!this.logger.isLevelEnabled(level)) return;
    const statusCode = res.statusCode;
    const { id, method } = context;
    const path = pathOf(res.req.url ?? '');
    this.logger[level](
      {
        reqId: id,
        req: { id, method, path },
        res: { statusCode },
        durationMs: Math.round(performance.now() - context.startedAt),
        ...(res.writableFinished ? undefined : { aborted: true }),
        ...defined({
          key: context.keyName,
          model: context.model,
          modelRequested: context.modelRequested,
          bridge: context.bridge,
          bridgeIgnored: context.bridgeIgnored?.join(', '),
          adjusted: context.adjustments?.join(','),
          initiator: context.initiator,
          initiatorReason: context.initiatorReason,
          stream: context.stream,
          upstreamMs: ms(context.upstreamMs),
          firstByteMs: ms(context.firstByteMs),
          upstreamStatus: context.upstreamStatus,
          bytes: context.bytes,
          tokens: context.tokens,
          usageEstimated: context.usageEstimated,
          cache: context.cache,
          outcome: context.outcome,
          detail: context.detail,
          upstreamError: context.upstreamError,
        }),
      },
      `${method} ${path} ${statusCode}`,
    );
  }
}

function defined(fields: Record<string, unknown>): Record<string, unknown> {
  for (const name of Object.keys(fields)) {
    if (fields[name] === undefined) delete fields[name];
  }
  return fields;
}
