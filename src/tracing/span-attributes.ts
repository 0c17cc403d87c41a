import type { AttributeValue, Attributes } from '@opentelemetry/api';
import type { RequestContext } from '../request-context/request-context';
import { isKnownMethod } from '../http/http-methods';

/** `gen_ai.provider.name` of every model call the proxy makes. */
export const PROVIDER = 'github_copilot';

/** `http.request.method`: a known method, else `_OTHER` (HTTP conventions). */
export const httpMethod = (method: string) =>
  isKnownMethod(method) ? method : '_OTHER';

/** The path without the query: the query is the client's and may hold secrets. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** `gen_ai.operation.name`: every Copilot model API but embeddings is a chat. */
export const operationOf = (context: RequestContext) =>
  context.endpoint === 'embeddings' ? 'embeddings' : 'chat';

/** A field the seats stage adds to the context (read when present). */
interface LaterFields {
  /** The login of the seat that answered, where seats exist. */
  seatLogin?: string;
}

/** Pipe outcomes that are not failures of the call. */
const NOT_FAILED = new Set(['complete', 'client_closed']);

/**
 * Why a request failed, as `error.type`: the proxy's own error code (a refusal,
 * an upstream fault), a cut stream, or a 5xx; undefined when it did not. An
 * upstream 4xx relayed as it came is the client's answer, not the server's
 * failure (it marks the upstream span instead).
 */
export function failureOf(
  context: RequestContext,
  status: number,
): string | undefined {
  const outcome = context.outcome;
  if (outcome !== undefined && !NOT_FAILED.has(outcome)) return outcome;
  return status >= 500 ? String(status) : undefined;
}

/** Attributes with a value: the SDK warns of each undefined one. */
function defined(fields: Record<string, AttributeValue | undefined>) {
  const attributes: Attributes = {};
  for (const [name, value] of Object.entries(fields))
    if (value !== undefined) attributes[name] = value;
  return attributes;
}

/** The proxy's own attributes, on the server span: never a key, token or body. */
export function proxyAttributes(context: RequestContext): Attributes {
  const later = context as RequestContext & LaterFields;
  const usage = context.usage;
  return defined({
    'copilot_proxy.key.name': context.keyName,
    'copilot_proxy.model': context.model,
    'copilot_proxy.model_requested': context.modelRequested,
    'copilot_proxy.initiator': context.initiator,
    'copilot_proxy.initiator.reason': context.initiatorReason,
    'copilot_proxy.premium_requests': usage?.premiumRequests,
    'copilot_proxy.credits': usage?.credits,
    'copilot_proxy.usage_estimated': context.usageEstimated,
    'copilot_proxy.bridge.direction': context.bridge,
    'copilot_proxy.bridge.ignored': context.bridgeIgnored,
    'copilot_proxy.compat.rules': context.adjustments,
    'copilot_proxy.cache': context.cache,
    'copilot_proxy.seat.login': later.seatLogin,
    'copilot_proxy.outcome': context.outcome,
  });
}

/**
 * The GenAI semantic conventions on the upstream span of a model call (undefined
 * for any other request): the request, and the answer's usage as counted at its
 * end.
 */
export function genAiAttributes(
  context: RequestContext,
  finishReasons: string[] | undefined,
): Attributes | undefined {
  if (context.endpoint === undefined) return undefined;
  const usage = context.usage;
  return defined({
    'gen_ai.operation.name': operationOf(context),
    'gen_ai.provider.name': PROVIDER,
    'gen_ai.request.model': context.model,
    'gen_ai.request.max_tokens': context.maxOutputTokens,
    'gen_ai.request.stream': context.stream,
    'gen_ai.response.model': usage?.responseModel,
    'gen_ai.response.finish_reasons': finishReasons?.length
      ? finishReasons
      : undefined,
    'gen_ai.usage.input_tokens': usage?.inputTokens,
    'gen_ai.usage.output_tokens': usage?.outputTokens,
    'gen_ai.usage.cache_read.input_tokens': usage?.cachedTokens || undefined,
  });
}

type Json = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  value === undefined
    ? undefined
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

/**
 * The prompt of a model call, as the client wrote it (JSON), for
 * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true` only: the messages
 * or input, and the system instructions where the API keeps them apart.
 */
export function inputContent(body: unknown): Attributes {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return {};
  const doc = body as Json;
  return defined({
    'gen_ai.input.messages': text(doc.messages ?? doc.input),
    'gen_ai.system_instructions': text(doc.system ?? doc.instructions),
  });
}
