import { STATUS_CODES, type ServerResponse } from 'node:http';
import { anthropicErrorType } from './anthropic-error-type';
import type { ProxyError } from './proxy-error';

export interface OpenAiErrorBody {
  error: { message: string; type: string; code: string | null };
}

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

/** Whose SDK reads the answer: Anthropic's on `/v1/messages`, OpenAI's elsewhere. */
export type ErrorShape = 'openai' | 'anthropic';

/** Anthropic's SDKs read `/v1/messages` and below; OpenAI's everything else. */
export function errorShapeFor(route: string): ErrorShape {
  return route === 'messages' ? 'anthropic' : 'openai';
}

/**
 * The error in the client's own shape: OpenAI's `{"error":{message,type,code}}`,
 * or Anthropic's `{"type":"error","error":{type,message}}` where an Anthropic SDK
 * is reading.
 */
export function errorBody(
  error: ProxyError,
  shape: ErrorShape = 'openai',
): string {
  return shape === 'anthropic'
    ? anthropicErrorJson(anthropicErrorType(error.status), error.message)
    : openAiErrorJson(error.message, error.type, error.code);
}

/** Anthropic's error body (with the upstream's `request_id`, when it gave one). */
export function anthropicErrorJson(
  type: string,
  message: string,
  requestId?: string,
): string {
  const body: AnthropicErrorBody & { request_id?: string } = {
    type: 'error',
    error: { type, message },
    ...(requestId !== undefined && { request_id: requestId }),
  };
  return JSON.stringify(body);
}

/** OpenAI's error body (`param` only when the answer has one to give). */
export function openAiErrorJson(
  message: string,
  type: string,
  code: string | null,
  param?: string | null,
): string {
  const body: OpenAiErrorBody & { error: { param?: string | null } } = {
    error: {
      message,
      type,
      code,
      ...(param !== undefined && { param }),
    },
  };
  return JSON.stringify(body);
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** A 429 whose wait is longer than this tells the SDKs not to retry it. */
const RETRY_WORTHWHILE_SECONDS = 60;

/**
 * `x-should-retry: false` — which the Anthropic and OpenAI SDKs (and Claude
 * Code) obey — on refusals a retry cannot change: a wrong key (401), a
 * forbidden call (403), and a quota or a Copilot limit that lifts more than a
 * minute from now.
 */
function noRetry(error: ProxyError): boolean {
  if (error.status === 401 || error.status === 403) return true;
  if (error.code !== 'quota_exceeded' && error.code !== 'copilot_cooldown')
    return false;
  const wait = Number(
    Object.entries(error.headers).find(
      ([name]) => name.toLowerCase() === 'retry-after',
    )?.[1],
  );
  return Number.isFinite(wait) && wait > RETRY_WORTHWHILE_SECONDS;
}

/**
 * The one writer of the proxy's own errors. Does nothing when the answer has
 * already begun or the client is gone: the caller then ends the connection.
 */
export function writeError(
  res: ServerResponse,
  error: ProxyError,
  shape: ErrorShape = 'openai',
): boolean {
  if (res.headersSent || res.destroyed) return false;
  const body = errorBody(error, shape);
  // An explicit reason phrase: one left on `res` by a failed relay must not stay.
  res.writeHead(error.status, STATUS_CODES[error.status] ?? '', {
    ...error.headers,
    ...(noRetry(error) && { 'x-should-retry': 'false' }),
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
