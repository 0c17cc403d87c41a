import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Settings } from '../config/settings';
import { ByteBudget } from '../common/byte-budget';
import { ReplayableBody } from './replayable-body';
import {
  COPILOT_TOKEN_PROVIDER,
  CopilotCredentials,
  CopilotTokenProvider,
} from './token/copilot-token.provider';
import { NoLoginProvider } from './token/no-login.provider';
import {
  CallerSignal,
  OutboundRequest,
  UpstreamResponse,
  UpstreamTransport,
} from './upstream-transport';

/** Bodies up to this size are kept while they stream so a 401 can be retried. */
export const REPLAY_LIMIT_BYTES = 4 * 1024 * 1024;

/** The upstream's answer, and the Copilot account that gave it. */
export type CopilotAnswer = UpstreamResponse & { account: string };

/** A request for the Copilot API, before credentials are added. */
export interface UpstreamRequest {
  method: string;
  /** Path and raw query, starting with `/`. */
  path: string;
  /** Headers to send, credentials excluded. */
  headers: OutgoingHttpHeaders;
  /** The client's body: a stream read once, or bytes already in hand. */
  body?: Readable | Buffer;
  /** The caller gave up: the round trip is cut wherever it is. */
  signal: CallerSignal;
}

type Body = UpstreamRequest['body'];

/**
 * Sends a request to the Copilot API with the current token, through the
 * transport. When the upstream rejects the token (401) and the provider can get
 * another, the request is sent once more with a fresh token — with the same bytes,
 * kept (within a global budget) while they streamed the first time. Returns the
 * upstream's answer, whatever its status, or throws a `ProxyError`.
 */
@Injectable()
export class CopilotClient {
  private readonly budget: ByteBudget;

  constructor(
    private readonly transport: UpstreamTransport,
    @Inject(COPILOT_TOKEN_PROVIDER)
    private readonly tokens: CopilotTokenProvider,
    config: ConfigService<Settings, true>,
  ) {
    this.budget = new ByteBudget(
      config.get('copilot', { infer: true }).replayMaxBytes,
    );
  }

  /** Request-body bytes kept for retries right now, all requests together. */
  get replayBytesHeld(): number {
    return this.budget.heldBytes;
  }

  /** The proxy has a login of its own (not only per-person seats). */
  get hasSharedLogin(): boolean {
    return !(this.tokens instanceof NoLoginProvider);
  }

  /**
   * The Copilot account requests go to now (caches key on it): the proxy's, or
   * a seat's when its `tokens` are given (SPEC §14).
   */
  async account(tokens = this.tokens): Promise<string> {
    return (await tokens.getCredentials()).account;
  }

  /** Sends with the proxy's login, or with a seat's `tokens` (SPEC §14). */
  async send(
    request: UpstreamRequest,
    tokens = this.tokens,
  ): Promise<CopilotAnswer> {
    const credentials = await tokens.getCredentials();
    const body =
      request.body instanceof Readable
        ? new ReplayableBody(
            request.body,
            Math.min(REPLAY_LIMIT_BYTES, this.budget.limitBytes),
            this.budget,
          )
        : request.body;
    try {
      const first = await this.roundTrip(request, body, credentials);
      if (
        first.status !== 401 ||
        !tokens.canRefresh ||
        request.signal.aborted
      ) {
        return first;
      }
      return await this.retryWithFreshToken(
        tokens,
        request,
        body,
        credentials,
        first,
      );
    } finally {
      if (body instanceof ReplayableBody) body.discard();
    }
  }

  /**
   * One refresh and one retry after the upstream rejected the token, when the body
   * could be kept; otherwise the 401 goes to the client as it came, and the token
   * is refreshed all the same for the requests that follow. A refresh that fails
   * answers the client with its error (503 and `Retry-After`).
   */
  private async retryWithFreshToken(
    tokens: CopilotTokenProvider,
    request: UpstreamRequest,
    body: Body,
    rejected: CopilotCredentials,
    first: CopilotAnswer,
  ): Promise<CopilotAnswer> {
    const again = await replayOf(body);
    if (!again) {
      tokens.refreshAfterRejection(rejected).catch(() => undefined);
      return first;
    }
    let fresh: CopilotCredentials | undefined;
    try {
      fresh = await tokens.refreshAfterRejection(rejected);
    } catch (error) {
      first.body.destroy();
      throw error;
    }
    if (!fresh || request.signal.aborted) return first;
    first.body.destroy();
    const retried = await this.roundTrip(request, again.body, fresh);
    if (retried.status === 401) tokens.rejectedAfterRefresh(fresh);
    return retried;
  }

  private async roundTrip(
    request: UpstreamRequest,
    body: Body,
    credentials: CopilotCredentials,
  ): Promise<CopilotAnswer> {
    const outbound: OutboundRequest = {
      baseUrl: credentials.apiBaseUrl,
      method: request.method,
      path: request.path,
      headers: {
        ...request.headers,
        authorization: `Bearer ${credentials.token}`,
      },
      body,
      signal: request.signal,
      replayBody: () => replayOf(body),
    };
    const answer = await this.transport.roundTrip(outbound);
    return { ...answer, account: credentials.account };
  }
}

/** The body once more (none, the bytes, the kept copy), or undefined when lost. */
async function replayOf(body: Body): Promise<{ body: Body } | undefined> {
  if (body === undefined || Buffer.isBuffer(body)) return { body };
  if (body instanceof ReplayableBody) {
    const copy = await body.replay();
    return copy ? { body: copy } : undefined;
  }
  return undefined;
}
