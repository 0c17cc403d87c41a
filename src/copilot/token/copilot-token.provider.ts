import { createHash } from 'node:crypto';

export interface CopilotCredentials {
  token: string;
  /**
   * Which Copilot account the token is for: a digest prefix of the credential it
   * came from (never the credential), with the API host. Caches key on it.
   */
  account: string;
  /** The upstream origin to use with this token, without a trailing slash. */
  apiBaseUrl: string;
}

/**
 * Where the proxy gets the Copilot token for each request. The static implementation
 * hands out `COPILOT_TOKEN`; the exchanging one trades a GitHub token for short-lived
 * Copilot tokens and refreshes them.
 */
export interface CopilotTokenProvider {
  /** Whether a rejected token can be replaced (so a 401 is worth one retry). */
  readonly canRefresh: boolean;
  /** Resolves with valid credentials, waiting for a refresh in flight if need be. */
  getCredentials(): Promise<CopilotCredentials>;
  /**
   * Called when the upstream answered 401 to `rejected`: returns fresh credentials to
   * retry with, undefined when a refresh would not help (static mode, or 401s that
   * are not about the token), or throws the `ProxyError` of a failed refresh.
   */
  refreshAfterRejection(
    rejected: CopilotCredentials,
  ): Promise<CopilotCredentials | undefined>;
  /**
   * Called when the upstream answered 401 to a token fresh from
   * `refreshAfterRejection` too: its 401s are not about the token.
   */
  rejectedAfterRefresh(credentials: CopilotCredentials): void;
  /** Whether a token is held now or can be obtained (readiness). */
  status(): { ready: boolean; detail: string };
}

/** An account id from the credential behind a token and the host it is used on. */
export function accountId(credential: string, apiBaseUrl: string): string {
  const digest = createHash('sha256').update(credential).digest('hex');
  return `${new URL(apiBaseUrl).host}/${digest.slice(0, 16)}`;
}

export const COPILOT_TOKEN_PROVIDER = Symbol('COPILOT_TOKEN_PROVIDER');
