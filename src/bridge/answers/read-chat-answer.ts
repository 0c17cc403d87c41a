import type { AnswerPart, BridgeAnswer, FinishReason, Json } from '../ir';
import {
  contentText,
  fallbackCallId,
  reasoningTextOf,
} from './chat/chat-answer-fields';
import { fromChatFinishReason, mergeFinishReasons } from './finish-reasons';
import { objectOf, objectsOf, stringOf, textOf } from './json-fields';
import { argumentsText } from './tool-arguments';
import { readChatUsage } from './usage';

export { ChatStreamReader } from './chat/chat-stream-reader';

/**
 * A whole `/chat/completions` answer. Copilot may split one answer over several
 * choices for Claude models (text in one, tool calls in another): all choices
 * are read as one message, reasoning first, then text, then tool calls.
 */
export function readChatAnswer(body: Json): BridgeAnswer {
  const id = textOf(body.id);
  const reasoning: AnswerPart[] = [];
  const text: AnswerPart[] = [];
  const calls: AnswerPart[] = [];
  let finishReason: FinishReason | undefined;
  for (const choice of objectsOf(body.choices)) {
    finishReason = mergeFinishReasons(
      finishReason,
      fromChatFinishReason(choice.finish_reason),
    );
    const message = objectOf(choice.message);
    if (!message) continue;
    const thinking = reasoningTextOf(message);
    const signature = textOf(message.reasoning_opaque);
    if (thinking !== undefined || signature !== undefined) {
      reasoning.push({
        type: 'reasoning',
        text: thinking ?? '',
        ...(signature !== undefined && { signature }),
      });
    }
    const content = contentText(message.content);
    if (content !== '') text.push({ type: 'text', text: content });
    for (const call of objectsOf(message.tool_calls)) {
      const fn = objectOf(call.function);
      calls.push({
        type: 'tool-call',
        id: textOf(call.id) ?? fallbackCallId(id, calls.length),
        name: stringOf(fn?.name) ?? '',
        arguments: argumentsText(fn?.arguments),
      });
    }
  }
  const usage = readChatUsage(body.usage);
  const model = textOf(body.model);
  return {
    ...(id !== undefined && { id }),
    ...(model !== undefined && { model }),
    content: [...reasoning, ...text, ...calls],
    finishReason: finishReason ?? (calls.length > 0 ? 'tool-calls' : 'stop'),
    ...(usage && { usage }),
    ...(body.copilot_usage !== undefined && {
      copilotUsage: body.copilot_usage,
    }),
  };
}
