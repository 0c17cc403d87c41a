import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import axios, {
  AxiosAdapter,
  AxiosHeaders,
  AxiosResponse,
  InternalAxiosRequestConfig,
} from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Settings } from '../config/settings';
import { ProxyError } from '../errors/proxy-error';
import {
  HEADERS_TIMEOUT,
  rawStreamAdapter,
  UNEXPECTED_UPGRADE,
  WireError,
  WireHeaders,
} from './raw-stream.adapter';
import {
  CallerSignal,
  OutboundRequest,
  UpstreamResponse,
  UpstreamTransport,
} from './upstream-transport';

/**
 * Pooled connections idle longer than this are closed by the proxy, before the
 * upstream's own idle timeout (Node servers: 5 s; load balancers: 60 s) can close
 * them under a request.
 */
export const FREE_SOCKET_TIMEOUT_MS = 4_000;

/** axios' header bag, unused: the adapter sends `wireHeaders`. */
const NO_HEADERS = new AxiosHeaders();

const agentOptions = {
  keepAlive: true,
  scheduling: 'lifo',
  noDelay: true,
  timeout: FREE_SOCKET_TIMEOUT_MS,
} as const;

/**
 * The transport on axios (`responseType: 'stream'`, no decompression, no
 * redirects, every status accepted) over keep-alive agents; the wire is the
 * raw-stream adapter's. Each call goes to the instance's adapter, as axios'
 * dispatch would send it, with the fields the adapter reads: what `request()`
 * adds on top — merging the defaults into every call, the interceptor chain,
 * header normalisation, identity transforms, `validateStatus` — cost more per
 * request than the adapter itself (docs/performance.md), and none of it applies
 * here (no interceptors, no transforms, every status accepted).
 * `UPSTREAM_TIMEOUT_MS` bounds the wait for response headers once the body is
 * sent. A request that fails on a reused pooled connection before any answer —
 * the upstream closed it while it sat idle — is sent once more on a fresh
 * connection when its body can be had again.
 */
@Injectable()
export class AxiosTransport
  extends UpstreamTransport
  implements OnApplicationShutdown
{
  private readonly httpAgent = new http.Agent(agentOptions);
  private readonly httpsAgent = new https.Agent(agentOptions);
  private readonly adapter: AxiosAdapter;
  private readonly timeoutMs: number;

  constructor(config: ConfigService<Settings, true>) {
    super();
    this.timeoutMs = config.get('copilot', { infer: true }).upstreamTimeoutMs;
    const instance = axios.create({
      responseType: 'stream',
      decompress: false,
      validateStatus: () => true,
      maxRedirects: 0,
      transformRequest: [],
      transformResponse: [],
      adapter: rawStreamAdapter({
        http: this.httpAgent,
        https: this.httpsAgent,
      }),
    });
    this.adapter = axios.getAdapter(instance.defaults.adapter);
  }

  async roundTrip(request: OutboundRequest): Promise<UpstreamResponse> {
    try {
      return await this.send(request, request.body, false);
    } catch (error) {
      const wire = error as WireError;
      if (!wire.reusedSocket || request.signal.aborted || !request.replayBody)
        throw this.failure(wire, request.signal);
      const again = await request.replayBody();
      if (!again) throw this.failure(wire, request.signal);
      try {
        return await this.send(request, again.body, true);
      } catch (retryError) {
        throw this.failure(retryError as WireError, request.signal);
      }
    }
  }

  private async send(
    request: OutboundRequest,
    body: OutboundRequest['body'],
    freshConnection: boolean,
  ): Promise<UpstreamResponse> {
    const response = (await this.adapter({
      headers: NO_HEADERS,
      method: request.method,
      baseURL: request.baseUrl,
      url: request.path,
      wireHeaders: new WireHeaders(request.headers),
      data: body,
      signal: request.signal,
      headersTimeoutMs: this.timeoutMs,
      freshConnection,
    } as InternalAxiosRequestConfig)) as AxiosResponse<http.IncomingMessage>;
    const stream = response.data;
    return {
      status: response.status,
      statusMessage: stream.statusMessage ?? '',
      rawHeaders: stream.rawHeaders,
      body: stream,
    };
  }

  /** What a failed round trip means for the client. */
  private failure(error: WireError, caller: CallerSignal): ProxyError {
    if (error.code === HEADERS_TIMEOUT) {
      return new ProxyError('upstream_timeout', { detail: error.message });
    }
    if (error.code === UNEXPECTED_UPGRADE) {
      return new ProxyError('upstream_bad_response', { detail: error.message });
    }
    if (caller.aborted) {
      return new ProxyError('client_closed', {
        detail: 'client closed the request before the upstream answered',
      });
    }
    return new ProxyError('upstream_unreachable', {
      detail: `upstream request failed${error.code ? ` (${error.code})` : ''}`,
    });
  }

  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
