import {
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ProxyError } from '../../errors/proxy-error';
import {
  accountId,
  CopilotCredentials,
  CopilotTokenProvider,
} from './copilot-token.provider';
import { ExchangedToken } from './github-token-exchange';

export interface TokenExchanger {
  exchange(now?: number): Promise<ExchangedToken>;
}

/** Told of every exchange, for metrics. */
export interface TokenExchangeListener {
  onExchange(outcome: 'success' | 'failure'): void;
}

const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;
const USABLE_MARGIN_MS = 5_000;
/** No two exchanges closer than this, whatever asks for them. */
export const MIN_EXCHANGE_INTERVAL_MS = 1_000;
/** After a fresh token was refused too, 401s refresh nothing for this long. */
export const REJECTION_REFRESH_INTERVAL_MS = 5_000;

type HeldToken = ExchangedToken & {
  apiBaseUrl: string;
  account: string;
  usableUntil: number;
  /** The upstream refused it and a refresh was started: never handed out again. */
  rejected: boolean;
};

/**
 * Trades the GitHub token for short-lived Copilot tokens.
 *
 * - One exchange in flight at a time, however many requests wait on it.
 * - Ahead of time by the wall clock: every request compares `Date.now()` with the
 *   refresh time, because a timer set for 25 minutes stalls while a laptop sleeps;
 *   the timer only refreshes an idle proxy.
 * - A request arriving while the token is being refreshed waits for it; one that
 *   arrives with a still valid token while a proactive refresh runs uses the old one.
 * - Every exchange, whatever caused it, keeps `MIN_EXCHANGE_INTERVAL_MS` from the
 *   last and waits out the backoff after failures (1 s doubling to 60 s); meanwhile
 *   requests fail fast with the last error and a `Retry-After`.
 * - An upstream 401 refreshes a token at most once. When the retry with the fresh
 *   token is refused too, the 401s are not about the token: for
 *   `REJECTION_REFRESH_INTERVAL_MS` they refresh nothing, so a path that always
 *   answers 401 cannot make every request an exchange.
 */
export class ExchangingTokenProvider
  implements CopilotTokenProvider, OnApplicationBootstrap, OnApplicationShutdown
{
  readonly canRefresh = true;
  private readonly logger = new Logger('CopilotToken');
  private current: HeldToken | undefined;
  private inFlight: Promise<CopilotCredentials> | undefined;
  private lastError: ProxyError | undefined;
  private failures = 0;
  private retryAt = 0;
  private lastExchangeAt = -Infinity;
  private refreshesUselessUntil = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly exchanger: TokenExchanger,
    /** COPILOT_API_BASE_URL when set: it wins over `endpoints.api`. */
    private readonly configuredApiBaseUrl: string | undefined,
    private readonly fallbackApiBaseUrl: string,
    private readonly listener?: TokenExchangeListener,
    /** What identifies the account (the GitHub token): hashed, never kept in clear elsewhere. */
    private readonly accountCredential = '',
  ) {}

  /** Fetches the first token in the background; readiness follows it. */
  onApplicationBootstrap(): void {
    this.refresh().catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  getCredentials(): Promise<CopilotCredentials> {
    const now = Date.now();
    const current = this.usable(now);
    if (current) {
      if (
        now >= current.refreshAt &&
        !this.inFlight &&
        now >= this.nextExchangeAt()
      ) {
        this.refresh().catch(() => undefined);
      }
      return Promise.resolve(current);
    }
    if (this.inFlight) return this.inFlight;
    if (now < this.nextExchangeAt()) return Promise.reject(this.waiting(now));
    return this.refresh();
  }

  async refreshAfterRejection(
    rejected: CopilotCredentials,
  ): Promise<CopilotCredentials | undefined> {
    const current = this.current;
    // Someone else already replaced the rejected token: use theirs.
    if (current && current.token !== rejected.token && !current.rejected)
      return current;
    if (this.inFlight) return this.inFlight;
    const now = Date.now();
    if (current && !current.rejected && current.token === rejected.token) {
      // A fresh token was refused moments ago: these 401s are not about tokens.
      if (now < this.refreshesUselessUntil) return undefined;
      current.rejected = true;
    }
    // The backoff holds; the minimum interval does not: the 401 cap bounds these.
    if (now < this.retryAt) throw this.waiting(now);
    return this.refresh();
  }

  rejectedAfterRefresh(): void {
    this.refreshesUselessUntil = Date.now() + REJECTION_REFRESH_INTERVAL_MS;
  }

  status(): { ready: boolean; detail: string } {
    const current = this.current;
    if (current && !current.rejected && Date.now() < current.expiresAt) {
      return {
        ready: true,
        detail: `Copilot token valid until ${new Date(current.expiresAt).toISOString()}`,
      };
    }
    if (this.lastError) return { ready: false, detail: this.lastError.message };
    if (current?.rejected) {
      return {
        ready: false,
        detail: 'the Copilot API rejected the token: refreshing',
      };
    }
    return { ready: false, detail: 'waiting for the first Copilot token' };
  }

  private usable(now: number): HeldToken | undefined {
    const current = this.current;
    return current && !current.rejected && now < current.usableUntil
      ? current
      : undefined;
  }

  private nextExchangeAt(): number {
    return Math.max(
      this.retryAt,
      this.lastExchangeAt + MIN_EXCHANGE_INTERVAL_MS,
    );
  }

  /** The answer while no exchange may run yet: the last failure, with its wait. */
  private waiting(now: number): ProxyError {
    const base = this.lastError ?? new ProxyError('copilot_token_unavailable');
    return new ProxyError(base.code, {
      message: base.message,
      headers: {
        'retry-after': String(
          Math.max(1, Math.ceil((this.nextExchangeAt() - now) / 1000)),
        ),
      },
    });
  }

  private refresh(): Promise<CopilotCredentials> {
    this.inFlight ??= this.exchange().finally(
      () => (this.inFlight = undefined),
    );
    return this.inFlight;
  }

  private async exchange(): Promise<CopilotCredentials> {
    this.lastExchangeAt = Date.now();
    try {
      const answer = await this.exchanger.exchange();
      const now = Date.now();
      const lifetime = answer.expiresAt - now;
      if (lifetime <= 0) {
        throw new ProxyError('copilot_token_exchange_failed', {
          message:
            "GitHub answered with a Copilot token that has already expired: is this machine's clock right?",
        });
      }
      const apiBaseUrl =
        this.configuredApiBaseUrl ??
        answer.apiBaseUrl ??
        this.fallbackApiBaseUrl;
      // Not handed out in its last seconds: it could expire on the way upstream.
      const usableUntil =
        answer.expiresAt - Math.min(USABLE_MARGIN_MS, lifetime / 4);
      this.current = {
        ...answer,
        apiBaseUrl,
        account: accountId(this.accountCredential, apiBaseUrl),
        usableUntil,
        rejected: false,
      };
      this.failures = 0;
      this.lastError = undefined;
      this.retryAt = 0;
      this.listener?.onExchange('success');
      this.logger.log(
        `Copilot token obtained for ${new URL(apiBaseUrl).host}, valid for ${Math.round(lifetime / 1000)} s`,
      );
      this.schedule(Math.max(answer.refreshAt - now, MIN_EXCHANGE_INTERVAL_MS));
      return this.current;
    } catch (error) {
      this.failures++;
      const delay = Math.min(
        BACKOFF_BASE_MS * 2 ** (this.failures - 1),
        BACKOFF_MAX_MS,
      );
      this.retryAt = Date.now() + delay;
      const cause =
        error instanceof ProxyError
          ? error
          : new ProxyError('copilot_token_exchange_failed');
      const failure = new ProxyError(cause.code, {
        message: cause.message,
        headers: { 'retry-after': String(Math.ceil(delay / 1000)) },
      });
      this.lastError = failure;
      this.listener?.onExchange('failure');
      this.logger.warn(`${failure.message}; retrying in ${delay} ms`);
      this.schedule(delay);
      throw failure;
    }
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(
      () => void this.refresh().catch(() => undefined),
      Math.max(0, delayMs),
    );
    this.timer.unref();
  }
}
