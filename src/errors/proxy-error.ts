/**
 * Every failure the proxy answers itself, in one table: status, OpenAI error type,
 * and the public message (safe for any client: never a token, a key or an upstream
 * body). `metric` names the `copilot_proxy_upstream_failures_total` kind a failure
 * counts as. Codes are the `error.code` clients see and the log line's `outcome`.
 */
export const PROXY_ERRORS = {
  method_not_allowed: {
    status: 405,
    type: 'invalid_request_error',
    message: 'This method is not allowed through this proxy',
  },
  invalid_request_target: {
    status: 400,
    type: 'invalid_request_error',
    message: 'The request target must be a path starting with /',
  },
  non_canonical_path: {
    status: 400,
    type: 'invalid_request_error',
    message:
      'The request path must be written plainly: no "." or ".." segments, no empty segments, no backslashes and no %-escapes of letters, digits, "-._~", "/" or "\\"',
  },
  // 400, not 404: Claude Code shows any 404 on /v1/messages as "There's an issue
  // with the selected model" and drops the message; a 400 invalid_request_error
  // it prints as it came, as every SDK does.
  doubled_v1: {
    status: 400,
    type: 'invalid_request_error',
    message:
      'The path starts with /v1/v1: the base URL carries /v1 twice; for OpenAI clients it ends in a single /v1 (http://127.0.0.1:8080/v1)',
  },
  untranslatable: {
    status: 400,
    type: 'invalid_request_error',
    message:
      'The request cannot be translated to the API this model is served on',
  },
  no_server_state: {
    status: 400,
    type: 'invalid_request_error',
    message:
      'Copilot keeps no server state for /responses: previous_response_id and conversation cannot be used; send the whole conversation in input (with store: false)',
  },
  bad_request: {
    status: 400,
    type: 'invalid_request_error',
    message: 'The request is malformed',
  },
  not_found: {
    status: 404,
    type: 'invalid_request_error',
    message: 'Not found',
  },
  unauthorized: {
    status: 401,
    type: 'authentication_error',
    message: 'Invalid API key',
  },
  rate_limit_exceeded: {
    status: 429,
    type: 'rate_limit_error',
    message: 'Rate limit exceeded',
  },
  quota_exceeded: {
    status: 429,
    type: 'rate_limit_error',
    message: 'The quota of this key is used up for the period',
  },
  copilot_cooldown: {
    status: 429,
    type: 'rate_limit_error',
    message:
      'Copilot limited this account: model calls are refused until it lifts',
  },
  github_token_rejected: {
    status: 401,
    type: 'authentication_error',
    message:
      "GitHub rejected the proxy's GitHub token (401): log in again or set a valid GITHUB_TOKEN",
  },
  copilot_not_available: {
    status: 401,
    type: 'authentication_error',
    message: 'GitHub refused a Copilot token for this account',
  },
  copilot_token_exchange_failed: {
    status: 503,
    type: 'authentication_error',
    message: 'The Copilot token exchange with GitHub failed',
  },
  copilot_token_expired: {
    status: 401,
    type: 'authentication_error',
    message: "The proxy's COPILOT_TOKEN has expired",
  },
  copilot_token_unavailable: {
    status: 503,
    type: 'authentication_error',
    message: 'No Copilot token is available',
  },
  seat_not_linked: {
    status: 403,
    type: 'permission_error',
    message:
      'This key uses its holder\'s own Copilot seat, which is not linked yet: open the proxy\'s dashboard and choose "Connect your GitHub Copilot", or run `PROXY_KEY=<this key> npm run login -- --seat`',
  },
  seat_revoked: {
    status: 401,
    type: 'authentication_error',
    message:
      "GitHub refused the GitHub token linked to this key's Copilot seat (revoked or expired): link the seat again from the dashboard or with `npm run login -- --seat`",
  },
  seats_unavailable: {
    status: 503,
    type: 'server_error',
    message: 'The seat store (Redis) is not answering: try again shortly',
  },
  upstream_unreachable: {
    status: 502,
    type: 'upstream_error',
    message: 'The Copilot API could not be reached',
    metric: 'unreachable',
  },
  upstream_timeout: {
    status: 504,
    type: 'upstream_error',
    message: 'The Copilot API did not answer in time',
    metric: 'timeout',
  },
  upstream_bad_response: {
    status: 502,
    type: 'upstream_error',
    message: 'The Copilot API sent an answer the proxy cannot relay',
    metric: 'bad_response',
  },
  request_timeout: {
    status: 408,
    type: 'invalid_request_error',
    message: 'The request body stopped arriving',
  },
  client_closed: {
    status: 499,
    type: 'invalid_request_error',
    message: 'The client closed the request',
  },
  translation_busy: {
    status: 503,
    type: 'server_error',
    message:
      'The proxy is translating too many large requests at once for its memory: try again shortly',
  },
  usage_unavailable: {
    status: 503,
    type: 'server_error',
    message:
      'Usage storage (Redis) is not answering: usage is counted locally and added when it is back; try again shortly',
  },
  internal_error: {
    status: 500,
    type: 'server_error',
    message: 'Internal error in the proxy',
  },
} as const satisfies Record<
  string,
  { status: number; type: string; message: string; metric?: string }
>;

export type ProxyErrorCode = keyof typeof PROXY_ERRORS;

export interface ProxyErrorOptions {
  /** A more precise public message than the table's. */
  message?: string;
  /** Headers for the answer (`Retry-After`, `WWW-Authenticate`, `Allow`). */
  headers?: Record<string, string>;
  /** What went wrong, in words safe to log (no tokens, no bodies). */
  detail?: string;
}

/** A failure the proxy answers with its own JSON error (see `PROXY_ERRORS`). */
export class ProxyError extends Error {
  readonly status: number;
  readonly type: string;
  readonly headers: Record<string, string>;
  readonly detail: string | undefined;

  constructor(
    readonly code: ProxyErrorCode,
    options: ProxyErrorOptions = {},
  ) {
    const entry = PROXY_ERRORS[code];
    super(options.message ?? entry.message);
    this.name = 'ProxyError';
    this.status = entry.status;
    this.type = entry.type;
    this.headers = options.headers ?? {};
    this.detail = options.detail;
  }

  /** The failure kind counted in the upstream-failures metric, if any. */
  get metric(): string | undefined {
    const entry = PROXY_ERRORS[this.code];
    return 'metric' in entry ? entry.metric : undefined;
  }
}
