import { STATUS_CODES } from 'node:http';
import type { Api } from '../ir';
import { anthropicErrorType, openAiErrorType } from './error-types';
import { objectOf, parseObject, textOf } from './json-fields';

interface UpstreamError {
  message: string | undefined;
  type: string | undefined;
  code: string | undefined;
  param: string | undefined;
}

/**
 * An upstream 4xx/5xx answer rewritten in the client API's error shape: the
 * SDKs (and Claude Code, Codex) read the message and kind only from their own
 * shape. The message is the upstream's; with none, the status text.
 */
export function clientErrorBody(
  client: Api,
  status: number,
  upstream: { contentType: string | undefined; body: Buffer },
): string {
  const error = readUpstreamError(upstream.contentType, upstream.body);
  const message =
    error.message ?? STATUS_CODES[status] ?? `Upstream error ${status}`;
  if (client === 'messages') {
    return JSON.stringify({
      type: 'error',
      error: { type: anthropicErrorType(status), message },
    });
  }
  return JSON.stringify({
    error: {
      message,
      type: error.type ?? openAiErrorType(status),
      code: error.code ?? null,
      param: error.param ?? null,
    },
  });
}

/**
 * The shapes Copilot answers errors in: OpenAI's `{"error":{message,type,code,param}}`,
 * its own `{"message","code"}`, Anthropic's `{"type":"error","error":{type,message}}`,
 * `{"error":"…"}`, or plain text (`unauthorized: token expired`). JSON is read
 * whatever the content type says.
 */
function readUpstreamError(
  contentType: string | undefined,
  body: Buffer,
): UpstreamError {
  const text = body.toString('utf8').trim();
  const none = {
    message: undefined,
    type: undefined,
    code: undefined,
    param: undefined,
  };
  if (text === '') return none;
  const json = parseObject(text);
  if (!json) {
    // A gateway's HTML page is no message; any other text is (Copilot's 401 is text/plain).
    const isHtml = contentType?.toLowerCase().includes('html') ?? false;
    return isHtml ? none : { ...none, message: text };
  }
  const nested = objectOf(json.error);
  const source = nested ?? json;
  return {
    message:
      trimmed(source.message) ?? (nested ? undefined : trimmed(json.error)),
    type: nested ? textOf(nested.type) : undefined,
    code: codeOf(source.code),
    param: textOf(source.param),
  };
}

function trimmed(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : undefined;
}

function codeOf(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return textOf(value);
}
