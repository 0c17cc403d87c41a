import type { ServerResponse } from 'node:http';

export interface OpenAiErrorBody {
  error: { message: string; type: string; code: string | null };
}

export function openAiError(
  message: string,
  type: string,
  code: string | null,
): OpenAiErrorBody {
  return { error: { message, type, code } };
}

/**
 * Answers with an OpenAI-style JSON error, the shape every SDK the proxy serves
 * knows how to surface. Does nothing when headers are already out.
 */
export function sendOpenAiError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string | null,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(openAiError(message, type, code));
  res.writeHead(status, {
    ...extraHeaders,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
