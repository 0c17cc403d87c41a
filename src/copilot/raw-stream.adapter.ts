import type { AxiosAdapter, AxiosResponse } from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';
import type { CallerSignal } from './upstream-transport';

interface Origin {
  secure: boolean;
  hostname: string;
  port: string;
  /** The base URL's path without its trailing slash (`''` for an origin). */
  basePath: string;
}

/**
 * The request's header fields as they go on the wire. A class instance, not a
 * plain object, so axios passes it through by reference: its own header pipeline
 * (merging with defaults, normalising, copying two or three times) cost more than
 * anything else in the client, and would add a form `Content-Type` to a POST that
 * has none.
 */
export class WireHeaders {
  constructor(readonly fields: http.OutgoingHttpHeaders) {}
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Used instead of `headers` by the raw-stream adapter. */
    wireHeaders?: WireHeaders;
    /** Longest wait for response headers, counted from the end of the request body. */
    headersTimeoutMs?: number;
    /** A new connection instead of a pooled one (the retry after a dead socket). */
    freshConnection?: boolean;
  }
}

/** Codes the adapter's own failures carry, besides Node's socket errors. */
export const HEADERS_TIMEOUT = 'UPSTREAM_HEADERS_TIMEOUT';
export const UNEXPECTED_UPGRADE = 'UPSTREAM_UNEXPECTED_UPGRADE';

/** A failure before any response byte, with what a retry decision needs. */
export type WireError = Error & { code?: string; reusedSocket?: boolean };

const origins = new Map<string, Origin>();

function origin(baseUrl: string): Origin {
  let found = origins.get(baseUrl);
  if (!found) {
    const url = new URL(baseUrl);
    found = {
      secure: url.protocol === 'https:',
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port,
      basePath: url.pathname.replace(/\/+$/, ''),
    };
    origins.set(baseUrl, found);
  }
  return found;
}

function wireError(message: string, code: string): WireError {
  return Object.assign(new Error(message), { code });
}

/**
 * Cuts `req` when the caller gives up, as `http.request`'s `signal` option would,
 * with a listener on the caller's own signal instead of an `AbortSignal` (which
 * the request context creates only when asked).
 */
function cutOnAbort(req: http.ClientRequest, caller: CallerSignal): void {
  const abort = () =>
    req.destroy(
      Object.assign(new Error('The operation was aborted'), {
        name: 'AbortError',
        code: 'ABORT_ERR',
      }),
    );
  if (caller.aborted) {
    process.nextTick(abort);
    return;
  }
  caller.addEventListener('abort', abort);
  req.once('close', () => caller.removeEventListener('abort', abort));
}

/**
 * The axios adapter of the proxy: one `http(s).request` per call, the response
 * stream handed back as it arrives. Compared with axios' own Node adapter it
 * writes the request line from `url` untouched (WHATWG parsing would remove dot
 * segments and re-escape), adds no `Accept-Encoding` or `User-Agent`, never
 * decompresses or follows redirects, and costs a fraction of the time per request
 * (see docs/performance.md). The response-headers timeout starts once the body has
 * been sent, so a slow upload is not taken for a silent upstream; an upstream that
 * switches protocols (101) is refused.
 */
export function rawStreamAdapter(agents: {
  http: http.Agent;
  https: https.Agent;
}): AxiosAdapter {
  return (config) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      const target = origin(config.baseURL ?? '');
      const headers = config.wireHeaders?.fields ?? config.headers.toJSON();
      let timer: NodeJS.Timeout | undefined;
      let answered = false;
      const req = (target.secure ? https : http).request(
        {
          hostname: target.hostname,
          port: target.port,
          method: (config.method ?? 'get').toUpperCase(),
          path: target.basePath + (config.url ?? ''),
          headers,
          agent: config.freshConnection
            ? false
            : target.secure
              ? agents.https
              : agents.http,
        },
        (res) => {
          answered = true;
          clearTimeout(timer);
          resolve({
            data: res,
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            config,
            request: req,
          });
        },
      );
      const caller = config.signal as CallerSignal | undefined;
      if (caller) cutOnAbort(req, caller);
      req.on('error', (error: WireError) => {
        clearTimeout(timer);
        error.reusedSocket = req.reusedSocket;
        reject(error);
      });
      // Node stops watching the socket once it emits 'upgrade': answer from here.
      req.once('upgrade', (_res, socket) => {
        clearTimeout(timer);
        socket.destroy();
        reject(
          wireError('upstream switched protocols (101)', UNEXPECTED_UPGRADE),
        );
      });
      // The headers timeout runs only while the upstream keeps the proxy waiting:
      // once the body is sent, and while the upstream does not read it (the
      // request stream is full). A slow client upload does not count.
      const timeoutMs = config.headersTimeoutMs;
      const arm = () => {
        if (answered || timeoutMs === undefined) return;
        clearTimeout(timer);
        timer = setTimeout(
          () =>
            req.destroy(
              wireError(
                `upstream sent no response headers within ${timeoutMs} ms`,
                HEADERS_TIMEOUT,
              ),
            ),
          timeoutMs,
        );
      };
      req.once('finish', arm);
      req.on('drain', () => {
        if (!req.writableFinished) clearTimeout(timer);
      });
      const body: unknown = config.data;
      if (body instanceof Readable) {
        body.once('error', (error) => req.destroy(error));
        body.pipe(req);
        body.on('data', () => {
          if (req.writableNeedDrain) arm();
        });
      } else {
        req.end(body as Buffer | string | undefined);
        if (req.writableNeedDrain) arm();
      }
    });
}
