import type { IncomingMessage } from 'node:http';

export interface CacheDirectives {
  noCache: boolean;
  noStore: boolean;
  /** `max-age=N` in seconds, when given. */
  maxAgeSeconds?: number;
}

/** The request's `Cache-Control` directives that the caches honour. */
export function cacheDirectives(req: IncomingMessage): CacheDirectives {
  const header = req.headers['cache-control'] ?? '';
  const directives: CacheDirectives = { noCache: false, noStore: false };
  for (const part of header.toLowerCase().split(',')) {
    const [name, value] = part.trim().split('=');
    if (name === 'no-cache') directives.noCache = true;
    else if (name === 'no-store') directives.noStore = true;
    else if (name === 'max-age' && /^\d+$/.test(value ?? ''))
      directives.maxAgeSeconds = Number(value);
  }
  return directives;
}
