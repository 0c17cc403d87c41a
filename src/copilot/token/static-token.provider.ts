import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ProxyError } from '../../errors/proxy-error';
import {
  accountId,
  CopilotCredentials,
  CopilotTokenProvider,
} from './copilot-token.provider';

/** A Copilot token's `exp=<unix seconds>` field, when it has one. */
export function tokenExpiry(token: string): number | undefined {
  const match = /(?:^|;)exp=(\d{9,11})(?:;|$)/.exec(token);
  return match ? Number(match[1]) * 1000 : undefined;
}

/**
 * `COPILOT_TOKEN` used as is. Its `exp=` field is read (the only thing read from
 * it): an expired token warns at start, makes readiness fail and is answered
 * 401 `copilot_token_expired` here rather than sent to a certain upstream 401.
 */
export class StaticTokenProvider
  implements CopilotTokenProvider, OnApplicationBootstrap
{
  readonly canRefresh = false;
  private readonly logger = new Logger('CopilotToken');
  private readonly credentials: CopilotCredentials;
  private readonly expiresAt: number | undefined;

  constructor(
    token: string,
    apiBaseUrl: string,
    private readonly now: () => number = Date.now,
  ) {
    this.credentials = {
      token,
      apiBaseUrl,
      account: accountId(token, apiBaseUrl),
    };
    this.expiresAt = tokenExpiry(token);
  }

  onApplicationBootstrap(): void {
    if (this.expired()) {
      this.logger.warn(
        `COPILOT_TOKEN expired at ${new Date(this.expiresAt!).toISOString()}: clients get 401 until it is replaced (npm run login gives a token that renews itself)`,
      );
    }
  }

  getCredentials(): Promise<CopilotCredentials> {
    if (this.expired()) {
      return Promise.reject(
        new ProxyError('copilot_token_expired', {
          message: `The proxy's COPILOT_TOKEN expired at ${new Date(this.expiresAt!).toISOString()}`,
        }),
      );
    }
    return Promise.resolve(this.credentials);
  }

  refreshAfterRejection(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  rejectedAfterRefresh(): void {}

  status() {
    if (this.expired()) {
      return {
        ready: false,
        detail: `static COPILOT_TOKEN expired at ${new Date(this.expiresAt!).toISOString()}`,
      };
    }
    return {
      ready: true,
      detail:
        this.expiresAt === undefined
          ? 'static COPILOT_TOKEN'
          : `static COPILOT_TOKEN valid until ${new Date(this.expiresAt).toISOString()}`,
    };
  }

  private expired(): boolean {
    return this.expiresAt !== undefined && this.now() >= this.expiresAt;
  }
}
