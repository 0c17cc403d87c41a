import type { BridgeAnswer, Json } from '../ir';
import {
  callItem,
  encryptedOf,
  endFields,
  messageItem,
  reasoningItem,
  responseObject,
  textPart,
} from './responses/responses-items';
import { argumentsJson } from './tool-arguments';
import type { WriterContext } from './writer-context';

export { ResponsesStreamWriter } from './responses/responses-stream-writer';

/**
 * A whole answer as a Responses API response. Ids are new (`resp_`, `msg_`,
 * `rs_`, `fc_`); a function call's `call_id` is the upstream tool call id.
 * Consecutive text parts share one message item.
 */
export function writeResponsesAnswer(
  answer: BridgeAnswer,
  context: WriterContext,
): Json {
  const { ids } = context;
  const output: Json[] = [];
  let message: Json[] | undefined;
  for (const part of answer.content) {
    if (part.type === 'text') {
      if (!message) {
        message = [];
        output.push(messageItem(ids.next('msg_'), 'completed', message));
      }
      message.push(textPart(part.text));
      continue;
    }
    message = undefined;
    if (part.type === 'reasoning') {
      output.push(reasoningItem(ids.next('rs_'), part.text, encryptedOf(part)));
    } else {
      output.push(
        callItem(
          ids.next('fc_'),
          'completed',
          { ...part, arguments: argumentsJson(part.arguments) },
          context,
        ),
      );
    }
  }
  const end = endFields({ ...answer, reason: answer.finishReason });
  return responseObject(
    {
      id: ids.next('resp_'),
      createdAt: ids.now(),
      model: answer.model ?? context.model,
    },
    end.status,
    output,
    end.rest,
  );
}
