import type { AxiosAdapter, AxiosResponse } from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';

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
  }
}

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

/**
 * The axios adapter of the proxy: one `http(s).request` per call, the response
 * stream handed back as it arrives. Compared with axios' own Node adapter it
 * writes the request line from `url` untouched (WHATWG parsing would remove dot
 * segments and re-escape), adds no `Accept-Encoding` or `User-Agent`, never
 * decompresses or follows redirects, and costs a fraction of the time per request
 * (see the Performance section of the README).
 */
export function rawStreamAdapter(agents: {
  http: http.Agent;
  https: https.Agent;
}): AxiosAdapter {
  return (config) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      const target = origin(config.baseURL ?? '');
      const headers = config.wireHeaders?.fields ?? config.headers.toJSON();
      const req = (target.secure ? https : http).request(
        {
          hostname: target.hostname,
          port: target.port,
          method: (config.method ?? 'get').toUpperCase(),
          path: target.basePath + (config.url ?? ''),
          headers,
          agent: target.secure ? agents.https : agents.http,
          signal: config.signal as AbortSignal | undefined,
        },
        (res) =>
          resolve({
            data: res,
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            config,
            request: req,
          }),
      );
      req.once('error', reject);
      const body: unknown = config.data;
      if (body instanceof Readable) {
        body.once('error', (error) => req.destroy(error));
        body.pipe(req);
      } else {
        req.end(body as Buffer | string | undefined);
      }
    });
}
