import type { AnswerPart, FinishReason, Json } from '../../ir';
import { fromResponsesIncomplete } from '../finish-reasons';
import { objectOf, objectsOf, stringOf, textOf } from '../json-fields';
import { argumentsText } from '../tool-arguments';

/** Summary parts of one reasoning item read as one text, a blank line apart. */
export const SUMMARY_SEPARATOR = '\n\n';

/** The readable text of a reasoning item: its summary, else its raw reasoning content. */
export function reasoningText(item: Json): string {
  const summary = objectsOf(item.summary).map((part) => stringOf(part.text));
  const content = objectsOf(item.content).map((part) => stringOf(part.text));
  const texts = (summary.length > 0 ? summary : content).filter(
    (text): text is string => text !== undefined && text !== '',
  );
  return texts.join(SUMMARY_SEPARATOR);
}

/** The text of a message content part (`output_text`, or a `refusal` read as text). */
export function partText(part: Json): string | undefined {
  if (part.type === 'output_text') return stringOf(part.text);
  if (part.type === 'refusal') return stringOf(part.refusal);
  return undefined;
}

/** The parts of `output` items; kinds the bridge cannot carry (hosted tool calls) are skipped. */
export function outputParts(output: unknown): AnswerPart[] {
  const parts: AnswerPart[] = [];
  for (const item of objectsOf(output)) {
    if (item.type === 'message') {
      for (const part of objectsOf(item.content)) {
        const text = partText(part);
        if (text) parts.push({ type: 'text', text });
      }
    } else if (item.type === 'reasoning') {
      const encrypted = textOf(item.encrypted_content);
      const id = textOf(item.id);
      parts.push({
        type: 'reasoning',
        text: reasoningText(item),
        ...(encrypted !== undefined && { encrypted }),
        ...(id !== undefined && { id }),
      });
    } else if (item.type === 'function_call') {
      parts.push({
        type: 'tool-call',
        id: stringOf(item.call_id) ?? stringOf(item.id) ?? '',
        name: stringOf(item.name) ?? '',
        arguments: argumentsText(item.arguments),
      });
    }
  }
  return parts;
}

/**
 * How a finished response ended. Responses has no "stopped to call tools": a
 * completed response with a function call reads as `tool-calls` (what Chat and
 * Anthropic clients expect); `failed` reads as `error` (the caller should answer
 * an error rather than this answer).
 */
export function finishOf(response: Json, sawCall: boolean): FinishReason {
  if (response.status === 'failed') return 'error';
  if (response.status === 'incomplete') {
    return fromResponsesIncomplete(
      objectOf(response.incomplete_details)?.reason,
    );
  }
  return sawCall ? 'tool-calls' : 'stop';
}
