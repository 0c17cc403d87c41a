import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Ids a client may choose: short and printable, so they cannot forge log lines. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The client's `X-Request-Id` when it sent exactly one sane value, else a new one.
 * The same id is logged, returned and sent upstream.
 */
export function requestId(req: IncomingMessage): string {
  const offered = req.headers['x-request-id'];
  return typeof offered === 'string' && ACCEPTABLE_ID.test(offered)
    ? offered
    : randomUUID();
}
