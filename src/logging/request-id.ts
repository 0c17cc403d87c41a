import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Ids a client may choose: short and printable, so they cannot forge log lines. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts the client's `X-Request-Id` when it is sane, else makes one; echoes it back. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const offered = req.headers['x-request-id'];
  const id =
    typeof offered === 'string' && ACCEPTABLE_ID.test(offered)
      ? offered
      : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}
