import type { BridgeUsage, FinishReason, Json } from '../../ir';
import { toResponsesOutcome } from '../finish-reasons';
import { toResponsesUsage } from '../usage';
import type { WriterContext } from '../writer-context';

/**
 * The reasoning's opaque token for a Responses client: `encrypted_content`,
 * whichever upstream made it (Codex asks for it with `include` and sends the
 * item back as it came).
 */
export function encryptedOf(part: {
  signature?: string;
  encrypted?: string;
}): Json {
  const encrypted = part.encrypted ?? part.signature;
  return encrypted === undefined ? {} : { encrypted_content: encrypted };
}

export function reasoningItem(id: string, text: string, token: Json): Json {
  return {
    id,
    type: 'reasoning',
    summary: text === '' ? [] : [{ type: 'summary_text', text }],
    ...token,
  };
}

export function textPart(text: string): Json {
  return { type: 'output_text', text, annotations: [] };
}

export function messageItem(id: string, status: string, content: Json[]): Json {
  return { id, type: 'message', status, role: 'assistant', content };
}

export function callItem(
  id: string,
  status: string,
  call: { id: string; name: string; arguments: string },
  context: WriterContext,
): Json {
  // A flat `namespace__name` the bridge sent up goes back as Codex declared it.
  const named = context.toolName?.(call.name) ?? { name: call.name };
  return {
    id,
    type: 'function_call',
    status,
    arguments: call.arguments,
    call_id: call.id,
    name: named.name,
    ...(named.namespace !== undefined && { namespace: named.namespace }),
  };
}

/** The response object around `output`, as `response.*` events and plain answers carry it. */
export function responseObject(
  fields: { id: string; createdAt: number; model: string },
  status: string,
  output: Json[],
  rest: Json = {},
): Json {
  return {
    id: fields.id,
    object: 'response',
    created_at: fields.createdAt,
    status,
    error: null,
    incomplete_details: null,
    model: fields.model,
    output,
    usage: null,
    ...rest,
  };
}

export function endFields(part: {
  reason: FinishReason;
  usage?: BridgeUsage;
  copilotUsage?: unknown;
}): { status: string; rest: Json } {
  const outcome = toResponsesOutcome(part.reason);
  return {
    status: outcome.status,
    rest: {
      incomplete_details: outcome.incompleteDetails,
      usage: part.usage ? toResponsesUsage(part.usage) : null,
      ...(part.copilotUsage !== undefined && {
        copilot_usage: part.copilotUsage,
      }),
    },
  };
}

/** The output item being written. */
export type OpenItem = { blockId: string; itemId: string; index: number } & (
  | { kind: 'message'; text: string }
  | { kind: 'reasoning'; text: string }
  | { kind: 'call'; name: string; args: string }
);
