import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/** One request as it goes on the wire, credentials included. */
export interface OutboundRequest {
  /** The upstream origin (and base path), without a trailing slash. */
  baseUrl: string;
  method: string;
  /** Path and raw query, starting with `/`, sent byte for byte. */
  path: string;
  headers: OutgoingHttpHeaders;
  body?: Readable | Buffer;
  /** Aborts the request at any point, body included. */
  signal: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  statusMessage: string;
  /** Name/value pairs as received, names in their original case. */
  rawHeaders: string[];
  body: IncomingMessage;
}

/**
 * Sends one request and hands back the response as it arrives: nothing buffered,
 * decompressed, redirected or judged by status (Go's `http.RoundTripper`). Fails
 * with a `ProxyError` (`upstream_unreachable`, `upstream_timeout`) when no
 * response headers come. An abstract class so Nest can inject it and tests can
 * swap it.
 */
export abstract class UpstreamTransport {
  abstract roundTrip(request: OutboundRequest): Promise<UpstreamResponse>;
}
