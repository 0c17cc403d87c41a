import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * Tells the transport that its caller gave up (the client hung up): an
 * `AbortSignal` is one, and so is the `RequestContext`, which needs no
 * `AbortController` for the many requests whose client never leaves. As with an
 * `AbortSignal`, a listener added once `aborted` is true is never called.
 */
export interface CallerSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

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
  signal: CallerSignal;
  /**
   * The same body once more, when it can be had (no body, bytes in hand, or a
   * kept copy): then a request that met a dead pooled connection before any
   * answer is sent again on a fresh one.
   */
  replayBody?: () => Promise<
    { body: Readable | Buffer | undefined } | undefined
  >;
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
 * with a `ProxyError` (`upstream_unreachable`, `upstream_timeout`,
 * `upstream_bad_response`, `client_closed`) when no response headers come. An abstract class so Nest can inject it and tests can
 * swap it.
 */
export abstract class UpstreamTransport {
  abstract roundTrip(request: OutboundRequest): Promise<UpstreamResponse>;
}
