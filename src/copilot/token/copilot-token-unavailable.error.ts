/**
 * No Copilot token can be had right now. Carries what the client may be told: never
 * the GitHub token, never upstream bodies that could echo it.
 */
export class CopilotTokenUnavailableError extends Error {
  constructor(
    readonly publicMessage: string,
    readonly status: 401 | 503,
    readonly code: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(publicMessage);
    this.name = 'CopilotTokenUnavailableError';
  }
}
