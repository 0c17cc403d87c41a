export { anthropicErrorType } from '../../errors/anthropic-error-type';

/** OpenAI's error `type` for an HTTP status, when the upstream named none. */
export function openAiErrorType(status: number | undefined): string {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 429:
      return 'rate_limit_error';
    default:
      return status !== undefined && status >= 400 && status < 500
        ? 'invalid_request_error'
        : 'server_error';
  }
}

/** Codes upstreams use for "too many requests" (Copilot, OpenAI). */
const RATE_LIMIT_CODES = new Set([
  'rate_limited',
  'rate_limit_exceeded',
  'rate_limit_error',
]);

/**
 * The status an error mid-stream stands for: the one it came with, else what its
 * code says (a stream has no status of its own once it has begun).
 */
export function streamErrorStatus(error: {
  code?: string;
  status?: number;
}): number | undefined {
  if (error.status !== undefined) return error.status;
  if (error.code !== undefined && RATE_LIMIT_CODES.has(error.code)) return 429;
  if (error.code === 'overloaded' || error.code === 'overloaded_error')
    return 529;
  return undefined;
}
