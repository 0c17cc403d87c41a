import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { ProxyError } from './proxy-error';

export interface OpenAiErrorBody {
  error: { message: string; type: string; code: string | null };
}

/** The OpenAI error shape, which every SDK the proxy serves knows how to surface. */
export function errorBody(error: ProxyError): string {
  const body: OpenAiErrorBody = {
    error: { message: error.message, type: error.type, code: error.code },
  };
  return JSON.stringify(body);
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The one writer of the proxy's own errors. Does nothing when the answer has
 * already begun or the client is gone: the caller then ends the connection.
 */
export function writeError(res: ServerResponse, error: ProxyError): boolean {
  if (res.headersSent || res.destroyed) return false;
  const body = errorBody(error);
  // An explicit reason phrase: one left on `res` by a failed relay must not stay.
  res.writeHead(error.status, STATUS_CODES[error.status] ?? '', {
    ...error.headers,
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
  return true;
}

/**
 * The same answer as raw HTTP/1.1 bytes, for sockets Node hands over outside the
 * request cycle (CONNECT), where no `ServerResponse` exists.
 */
export function rawErrorResponse(error: ProxyError): string {
  const body = errorBody(error);
  const head = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`,
    `Content-Type: ${JSON_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(error.headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}
