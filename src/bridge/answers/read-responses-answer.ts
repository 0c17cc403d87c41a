import type { BridgeAnswer, Json } from '../ir';
import { textOf } from './json-fields';
import { finishOf, outputParts } from './responses/responses-output';
import { readResponsesUsage } from './usage';

export { ResponsesStreamReader } from './responses/responses-stream-reader';

/** A whole `/responses` answer. */
export function readResponsesAnswer(body: Json): BridgeAnswer {
  const content = outputParts(body.output);
  const id = textOf(body.id);
  const model = textOf(body.model);
  const usage = readResponsesUsage(body.usage);
  return {
    ...(id !== undefined && { id }),
    ...(model !== undefined && { model }),
    content,
    finishReason: finishOf(
      body,
      content.some((part) => part.type === 'tool-call'),
    ),
    ...(usage && { usage }),
    ...(body.copilot_usage !== undefined && {
      copilotUsage: body.copilot_usage,
    }),
  };
}
