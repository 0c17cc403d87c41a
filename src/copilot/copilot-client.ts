import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import axios, { AxiosInstance } from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';
import { copilotConfig, CopilotConfig } from '../config/copilot.config';
import { rawStreamAdapter, WireHeaders } from './raw-stream.adapter';
import { CopilotCredentials } from './token/copilot-token.provider';

export interface UpstreamRequest {
  method: string;
  /** Path and raw query, starting with `/`. */
  path: string;
  /** Headers to send, credentials excluded: the client adds `Authorization`. */
  headers: Record<string, string | string[]>;
  body?: Readable;
  /** Aborts the upstream request at any point, body included. */
  signal: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  statusMessage: string;
  /** Name/value pairs as received, names in their original case. */
  rawHeaders: string[];
  body: http.IncomingMessage;
}

/** The upstream did not answer with headers within `UPSTREAM_TIMEOUT_MS`. */
export class UpstreamTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`upstream sent no response headers within ${timeoutMs} ms`);
  }
}

/** The upstream could not be reached or failed before sending headers. */
export class UpstreamUnavailableError extends Error {
  constructor(readonly code: string | undefined) {
    super(`upstream request failed${code ? ` (${code})` : ''}`);
  }
}

const TIMEOUT = Symbol('upstream-timeout');

/**
 * Sends one request to the Copilot API and hands back the raw response stream.
 * Nothing is buffered, decompressed, redirected or judged by status: the proxy
 * passes the answer on as it comes. axios brings the request pipeline (config,
 * headers, cancellation); the wire is the raw-stream adapter's.
 */
@Injectable()
export class CopilotClient implements OnApplicationShutdown {
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

  constructor(
    @Inject(copilotConfig.KEY) private readonly config: CopilotConfig,
  ) {
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

  async send(
    request: UpstreamRequest,
    credentials: CopilotCredentials,
  ): Promise<UpstreamResponse> {
    const controller = new AbortController();
    const { signal } = request;
    const onAbort = () => controller.abort(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => controller.abort(TIMEOUT),
      this.config.upstreamTimeoutMs,
    );

    const wireHeaders = new WireHeaders({
      ...request.headers,
      authorization: `Bearer ${credentials.token}`,
    });

    try {
      const response = await this.http.request<http.IncomingMessage>({
        method: request.method,
        baseURL: credentials.apiBaseUrl,
        url: request.path,
        wireHeaders,
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
      if (controller.signal.reason === TIMEOUT) {
        throw new UpstreamTimeoutError(this.config.upstreamTimeoutMs);
      }
      if (signal.aborted) throw error;
      throw new UpstreamUnavailableError((error as { code?: string }).code);
    } finally {
      clearTimeout(timer);
    }
  }

  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
