import type { Json, StreamPart } from '../../ir';
import { objectsOf, stringOf, textOf } from '../json-fields';

/**
 * Copilot's reasoning fields on Chat messages and deltas: `reasoning_text` (the
 * readable thinking; `reasoning_content` on other OpenAI-compatible servers) and
 * `reasoning_opaque` (the signature Claude and Gemini need back on a later turn).
 */
export function reasoningTextOf(message: Json): string | undefined {
  return textOf(message.reasoning_text) ?? textOf(message.reasoning_content);
}

/** A tool call id the upstream never sent, unique within the answer. */
export function fallbackCallId(
  answerId: string | undefined,
  index: number,
): string {
  return answerId ? `call_${answerId}_${index}` : `call_${index}`;
}

/** Message content: a string, or text parts (some servers answer with parts). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return objectsOf(content)
    .map((part) => (part.type === 'text' ? (stringOf(part.text) ?? '') : ''))
    .join('');
}

/** `data: {"error":{message,type,code}}` (OpenAI's shape, which Copilot uses mid-stream). */
export function streamError(error: Json): StreamPart {
  const code = textOf(error.code) ?? textOf(error.type);
  return {
    type: 'error',
    message: textOf(error.message) ?? 'The upstream stream failed',
    ...(code !== undefined && { code }),
  };
}
