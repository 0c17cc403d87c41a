import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import axios, { AxiosInstance } from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Settings } from '../config/settings';
import { ProxyError } from '../errors/proxy-error';
import { rawStreamAdapter, WireHeaders } from './raw-stream.adapter';
import {
  OutboundRequest,
  UpstreamResponse,
  UpstreamTransport,
} from './upstream-transport';

const TIMEOUT = Symbol('upstream-timeout');

/**
 * The transport on axios (`responseType: 'stream'`, no decompression, no
 * redirects, every status accepted) over keep-alive agents. axios brings the
 * request pipeline (config, cancellation); the wire is the raw-stream adapter's.
 * `UPSTREAM_TIMEOUT_MS` bounds the wait for response headers.
 */
@Injectable()
export class AxiosTransport
  extends UpstreamTransport
  implements OnApplicationShutdown
{
  private readonly httpAgent = new http.Agent({
    keepAlive: true,
    scheduling: 'lifo',
    noDelay: true,
  });
  private readonly httpsAgent = new https.Agent({
    keepAlive: true,
    scheduling: 'lifo',
    noDelay: true,
  });
  private readonly http: AxiosInstance;
  private readonly timeoutMs: number;

  constructor(config: ConfigService<Settings, true>) {
    super();
    this.timeoutMs = config.get('copilot', { infer: true }).upstreamTimeoutMs;
    this.http = axios.create({
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
  }

  async roundTrip(request: OutboundRequest): Promise<UpstreamResponse> {
    const controller = new AbortController();
    const { signal } = request;
    const onAbort = () => controller.abort(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(TIMEOUT), this.timeoutMs);
    try {
      const response = await this.http.request<http.IncomingMessage>({
        method: request.method,
        baseURL: request.baseUrl,
        url: request.path,
        wireHeaders: new WireHeaders(request.headers),
        data: request.body,
        signal: controller.signal,
      });
      const body = response.data;
      return {
        status: response.status,
        statusMessage: body.statusMessage ?? '',
        rawHeaders: body.rawHeaders,
        body,
      };
    } catch (error) {
      throw this.failure(error, controller.signal, signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /** What a failed round trip means for the client. */
  private failure(
    error: unknown,
    own: AbortSignal,
    caller: AbortSignal,
  ): ProxyError {
    if (own.reason === TIMEOUT) {
      return new ProxyError('upstream_timeout', {
        detail: `upstream sent no response headers within ${this.timeoutMs} ms`,
      });
    }
    if (caller.aborted) {
      return new ProxyError('client_closed', {
        detail: 'client closed the request before the upstream answered',
      });
    }
    const code = (error as { code?: string }).code;
    return new ProxyError('upstream_unreachable', {
      detail: `upstream request failed${code ? ` (${code})` : ''}`,
    });
  }

  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
