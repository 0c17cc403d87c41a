import axios, { AxiosInstance } from 'axios';
import { ProxyError } from '../../errors/proxy-error';

/** The parts of the token answer the proxy uses. */
export interface ExchangedToken {
  token: string;
  /** Unix milliseconds. */
  expiresAt: number;
  /** Unix milliseconds: when to fetch the next one. */
  refreshAt: number;
  /** `endpoints.api`, when the answer names a valid origin. */
  apiBaseUrl?: string;
}

/** Refresh at least this long before expiry, whatever `refresh_in` says. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * `GET {GITHUB_API_BASE_URL}/copilot_internal/v2/token` with the GitHub token.
 * Failures are classified into what a client of the proxy may be told; neither
 * token nor GitHub's body ever goes into an error message.
 */
export class GithubTokenExchange {
  private readonly http: AxiosInstance;

  constructor(
    private readonly githubApiBaseUrl: string,
    private readonly githubToken: string,
    /** The editor headers GitHub expects (`githubHeaders`). */
    private readonly editorHeaders: Readonly<Record<string, string>>,
    timeoutMs = 15_000,
  ) {
    this.http = axios.create({
      timeout: timeoutMs,
      maxRedirects: 0,
      validateStatus: () => true,
      proxy: false,
    });
  }

  async exchange(now = Date.now()): Promise<ExchangedToken> {
    let status: number;
    let data: unknown;
    try {
      const response = await this.http.get(
        `${this.githubApiBaseUrl}/copilot_internal/v2/token`,
        {
          headers: {
            ...this.editorHeaders,
            authorization: `token ${this.githubToken}`,
          },
        },
      );
      status = response.status;
      data = response.data;
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'network error';
      throw new ProxyError('copilot_token_exchange_failed', {
        message: `The Copilot token exchange with GitHub failed (${code})`,
      });
    }
    if (status === 401) {
      throw new ProxyError('github_token_rejected');
    }
    if (status === 403 || status === 404) {
      throw new ProxyError('copilot_not_available', {
        message: `GitHub refused a Copilot token for this account (${status}): is Copilot enabled, and is this an OAuth token from the device login rather than a personal access token?`,
      });
    }
    const answer = data as {
      token?: unknown;
      expires_at?: unknown;
      refresh_in?: unknown;
      endpoints?: { api?: unknown };
    };
    if (
      status !== 200 ||
      typeof answer?.token !== 'string' ||
      typeof answer.expires_at !== 'number'
    ) {
      throw new ProxyError('copilot_token_exchange_failed', {
        message: `The Copilot token exchange with GitHub failed (HTTP ${status})`,
      });
    }
    const expiresAt = answer.expires_at * 1000;
    // A minute before expiry at the latest; halfway for tokens shorter than that.
    const latest =
      expiresAt - Math.min(EXPIRY_MARGIN_MS, (expiresAt - now) / 2);
    const suggested =
      typeof answer.refresh_in === 'number'
        ? now + answer.refresh_in * 1000
        : latest;
    return {
      token: answer.token,
      expiresAt,
      refreshAt: Math.min(suggested, latest),
      apiBaseUrl: originOrUndefined(answer.endpoints?.api),
    };
  }
}

function originOrUndefined(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:'
      ? value.replace(/\/+$/, '')
      : undefined;
  } catch {
    return undefined;
  }
}
