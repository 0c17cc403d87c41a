import {
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import {
  CopilotCredentials,
  CopilotTokenProvider,
} from './copilot-token.provider';
import { ProxyError } from '../../errors/proxy-error';
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

/**
 * Trades the GitHub token for short-lived Copilot tokens.
 *
 * - One exchange in flight at a time, however many requests wait on it.
 * - Ahead of time by the wall clock: every request compares `Date.now()` with the
 *   refresh time, because a timer set for 25 minutes stalls while a laptop sleeps;
 *   the timer only refreshes an idle proxy.
 * - A request arriving while the token is being refreshed waits for it; one that
 *   arrives with a still valid token while a proactive refresh runs uses the old one.
 * - Failures retry with exponential backoff; meanwhile requests fail fast with the
 *   last error rather than hammering GitHub.
 */
export class ExchangingTokenProvider
  implements CopilotTokenProvider, OnApplicationBootstrap, OnApplicationShutdown
{
  readonly canRefresh = true;
  private readonly logger = new Logger('CopilotToken');
  private current:
    (ExchangedToken & { apiBaseUrl: string; usableUntil: number }) | undefined;
  private inFlight: Promise<CopilotCredentials> | undefined;
  private lastError: ProxyError | undefined;
  private failures = 0;
  private retryAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly exchanger: TokenExchanger,
    /** COPILOT_API_BASE_URL when set: it wins over `endpoints.api`. */
    private readonly configuredApiBaseUrl: string | undefined,
    private readonly fallbackApiBaseUrl: string,
    private readonly listener?: TokenExchangeListener,
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
    const current = this.current;
    if (current && now < current.usableUntil) {
      if (now >= current.refreshAt && !this.inFlight && now >= this.retryAt) {
        this.refresh().catch(() => undefined);
      }
      return Promise.resolve(current);
    }
    if (this.inFlight) return this.inFlight;
    if (this.lastError && now < this.retryAt)
      return Promise.reject(this.lastError);
    return this.refresh();
  }

  async refreshAfterRejection(
    rejected: CopilotCredentials,
  ): Promise<CopilotCredentials | undefined> {
    // Someone else already replaced the rejected token: use theirs.
    if (this.current && this.current.token !== rejected.token)
      return this.current;
    try {
      return await (this.inFlight ?? this.refresh());
    } catch {
      return undefined;
    }
  }

  status(): { ready: boolean; detail: string } {
    if (this.current && Date.now() < this.current.expiresAt) {
      return {
        ready: true,
        detail: `Copilot token valid until ${new Date(this.current.expiresAt).toISOString()}`,
      };
    }
    if (this.lastError) return { ready: false, detail: this.lastError.message };
    return { ready: false, detail: 'waiting for the first Copilot token' };
  }

  private refresh(): Promise<CopilotCredentials> {
    this.inFlight ??= this.exchange().finally(
      () => (this.inFlight = undefined),
    );
    return this.inFlight;
  }

  private async exchange(): Promise<CopilotCredentials> {
    try {
      const answer = await this.exchanger.exchange();
      const apiBaseUrl =
        this.configuredApiBaseUrl ??
        answer.apiBaseUrl ??
        this.fallbackApiBaseUrl;
      const lifetime = answer.expiresAt - Date.now();
      // Not handed out in its last seconds: it could expire on the way upstream.
      const usableUntil =
        answer.expiresAt - Math.min(USABLE_MARGIN_MS, lifetime / 4);
      this.current = { ...answer, apiBaseUrl, usableUntil };
      this.failures = 0;
      this.lastError = undefined;
      this.retryAt = 0;
      this.listener?.onExchange('success');
      this.logger.log(
        `Copilot token obtained for ${new URL(apiBaseUrl).host}, valid for ${Math.round((answer.expiresAt - Date.now()) / 1000)} s`,
      );
      this.schedule(answer.refreshAt - Date.now());
      return this.current;
    } catch (error) {
      const failure =
        error instanceof ProxyError
          ? error
          : new ProxyError('copilot_token_exchange_failed');
      this.lastError = failure;
      this.failures++;
      const delay = Math.min(
        BACKOFF_BASE_MS * 2 ** (this.failures - 1),
        BACKOFF_MAX_MS,
      );
      this.retryAt = Date.now() + delay;
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
