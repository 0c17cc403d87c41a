import type { ServerResponse } from 'node:http';
import { clientResponseHeaders, deleteHeader } from './header-policy';

/** An answer kept whole: what a cache holds and replays. */
export interface CachedAnswer {
  status: number;
  statusMessage: string;
  /** The upstream's raw header pairs (hop-by-hop ones are dropped on replay). */
  rawHeaders: string[];
  body: Buffer;
  /** Unix ms when the upstream gave it. */
  storedAt: number;
}

export type CacheResult = 'hit' | 'miss' | 'stale' | 'bypass';

/**
 * Writes a kept answer: its status and end-to-end headers as the upstream sent
 * them, `X-Cache` and `Age`, then the bytes as received (an event stream keeps
 * its event boundaries: they are in the bytes).
 */
export function writeCachedAnswer(
  res: ServerResponse,
  answer: CachedAnswer,
  result: Uppercase<CacheResult>,
  now = Date.now(),
): void {
  const headers = clientResponseHeaders(answer.rawHeaders);
  deleteHeader(headers, 'content-length');
  deleteHeader(headers, 'age');
  headers['Content-Length'] = String(answer.body.length);
  headers['X-Cache'] = result;
  headers['Age'] = String(
    Math.max(0, Math.floor((now - answer.storedAt) / 1000)),
  );
  res.writeHead(answer.status, answer.statusMessage, headers);
  res.end(answer.body);
}
