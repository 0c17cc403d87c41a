/** Anthropic's error `type` for an HTTP status (docs.anthropic.com "Errors"). */
export function anthropicErrorType(status: number | undefined): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status !== undefined && status >= 400 && status < 500
        ? 'invalid_request_error'
        : 'api_error';
  }
}
