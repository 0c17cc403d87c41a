import { Logger } from '@nestjs/common';
import { DEFAULT_COPILOT_API_BASE_URL } from '../config/copilot.config';
import type {
  CopilotCredentials,
  CopilotTokenProvider,
} from '../copilot/token/copilot-token.provider';
import {
  ExchangingTokenProvider,
  TokenExchanger,
  TokenExchangeListener,
} from '../copilot/token/exchanging-token.provider';
import type { ExchangedToken } from '../copilot/token/github-token-exchange';
import { ProxyError } from '../errors/proxy-error';

/** A seat's token answer may name only an https host under githubcopilot.com. */
export function isCopilotOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (
      url.protocol === 'https:' &&
      url.hostname.endsWith('.githubcopilot.com') &&
      url.username === '' &&
      url.password === ''
    );
  } catch {
    return false;
  }
}

/**
 * A seat's exchange: GitHub refusing the person's token is `seat_revoked`, and an
 * `endpoints.api` outside `https://*.githubcopilot.com` is not followed (the
 * default host is used): a seat's token never goes to a host its answer chose.
 */
class SeatExchanger implements TokenExchanger {
  private readonly logger = new Logger('Seats');

  constructor(
    private readonly exchanger: TokenExchanger,
    private readonly login: string,
  ) {}

  async exchange(now?: number): Promise<ExchangedToken> {
    let answer: ExchangedToken;
    try {
      answer = await this.exchanger.exchange(now);
    } catch (error) {
      if (error instanceof ProxyError && error.code === 'github_token_rejected')
        throw new ProxyError('seat_revoked');
      throw error;
    }
    if (
      answer.apiBaseUrl !== undefined &&
      !isCopilotOrigin(answer.apiBaseUrl)
    ) {
      this.logger.warn(
        `the Copilot token of the seat of ${this.login} names an API host outside https://*.githubcopilot.com: not followed`,
      );
      return { ...answer, apiBaseUrl: undefined };
    }
    return answer;
  }
}

/** The client's answer for a revoked seat: retrying will not help. */
function seatError(error: unknown): never {
  if (error instanceof ProxyError && error.code === 'seat_revoked') {
    throw new ProxyError('seat_revoked', {
      headers: { 'x-should-retry': 'false' },
    });
  }
  throw error;
}

/**
 * One person's Copilot tokens: the proxy's exchanging provider (exchange,
 * refresh ahead of time, single flight, backoff) over their GitHub token.
 */
export class SeatTokens implements CopilotTokenProvider {
  readonly canRefresh = true;
  private readonly inner: ExchangingTokenProvider;

  constructor(
    exchanger: TokenExchanger,
    readonly login: string,
    /** `COPILOT_API_BASE_URL`: when set, every seat uses it. */
    configuredApiBaseUrl: string | undefined,
    listener: TokenExchangeListener | undefined,
    /** The GitHub token: only its digest names the account. */
    githubToken: string,
  ) {
    this.inner = new ExchangingTokenProvider(
      new SeatExchanger(exchanger, login),
      configuredApiBaseUrl,
      DEFAULT_COPILOT_API_BASE_URL,
      listener,
      githubToken,
    );
  }

  getCredentials(): Promise<CopilotCredentials> {
    return this.inner.getCredentials().catch(seatError);
  }

  refreshAfterRejection(
    rejected: CopilotCredentials,
  ): Promise<CopilotCredentials | undefined> {
    return this.inner.refreshAfterRejection(rejected).catch(seatError);
  }

  rejectedAfterRefresh(): void {
    this.inner.rejectedAfterRefresh();
  }

  status(): { ready: boolean; detail: string } {
    return this.inner.status();
  }

  /** Stops the refresh timer (unlinked, replaced, or shutting down). */
  stop(): void {
    this.inner.onApplicationShutdown();
  }
}
