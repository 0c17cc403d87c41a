import { Inject, Injectable } from '@nestjs/common';
import type { OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { ReplayableBody } from './replayable-body';
import {
  COPILOT_TOKEN_PROVIDER,
  CopilotCredentials,
  CopilotTokenProvider,
} from './token/copilot-token.provider';
import { UpstreamResponse, UpstreamTransport } from './upstream-transport';

/** Bodies up to this size are kept while they stream so a 401 can be retried. */
export const REPLAY_LIMIT_BYTES = 4 * 1024 * 1024;

/** A request for the Copilot API, before credentials are added. */
export interface UpstreamRequest {
  method: string;
  /** Path and raw query, starting with `/`. */
  path: string;
  /** Headers to send, credentials excluded. */
  headers: OutgoingHttpHeaders;
  /** The client's body: a stream read once, or bytes already in hand. */
  body?: Readable | Buffer;
  signal: AbortSignal;
}

/**
 * Sends a request to the Copilot API with the current token, through the
 * transport. When the upstream rejects the token (401) and the provider can get
 * another, the request is sent once more with a fresh token — with the same bytes,
 * kept while they streamed the first time. Returns the upstream's answer, whatever
 * its status, or throws a `ProxyError`.
 */
@Injectable()
export class CopilotClient {
  constructor(
    private readonly transport: UpstreamTransport,
    @Inject(COPILOT_TOKEN_PROVIDER)
    private readonly tokens: CopilotTokenProvider,
  ) {}

  async send(request: UpstreamRequest): Promise<UpstreamResponse> {
    const credentials = await this.tokens.getCredentials();
    const body =
      request.body instanceof Readable && this.tokens.canRefresh
        ? new ReplayableBody(request.body, REPLAY_LIMIT_BYTES)
        : request.body;
    const first = await this.roundTrip({ ...request, body }, credentials);
    if (
      first.status !== 401 ||
      !this.tokens.canRefresh ||
      request.signal.aborted
    ) {
      return first;
    }
    return this.retryWithFreshToken({ ...request, body }, credentials, first);
  }

  /**
   * One refresh and one retry after the upstream rejected the token, when the body
   * could be kept; otherwise the 401 goes to the client as it came.
   */
  private async retryWithFreshToken(
    request: UpstreamRequest,
    rejected: CopilotCredentials,
    first: UpstreamResponse,
  ): Promise<UpstreamResponse> {
    const body =
      request.body instanceof ReplayableBody
        ? await request.body.replay()
        : request.body;
    if (request.body !== undefined && body === undefined) return first;
    const fresh = await this.tokens
      .refreshAfterRejection(rejected)
      .catch(() => undefined);
    if (!fresh || request.signal.aborted) return first;
    first.body.destroy();
    return this.roundTrip({ ...request, body }, fresh);
  }

  private roundTrip(
    request: UpstreamRequest,
    credentials: CopilotCredentials,
  ): Promise<UpstreamResponse> {
    return this.transport.roundTrip({
      baseUrl: credentials.apiBaseUrl,
      method: request.method,
      path: request.path,
      headers: {
        ...request.headers,
        authorization: `Bearer ${credentials.token}`,
      },
      body: request.body,
      signal: request.signal,
    });
  }
}
