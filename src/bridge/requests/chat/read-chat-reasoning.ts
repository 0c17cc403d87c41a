import type { Json, ReasoningPart } from '../../ir';
import { optionalString } from '../json-fields';
import { readThinkingSignature } from '../reasoning-carrier';

/**
 * Copilot's reasoning fields on an assistant message (C8): `reasoning_text`
 * and `reasoning_opaque`, what a Copilot-aware Chat client sends back. The
 * opaque token is read like an Anthropic signature: a Responses reasoning item
 * the bridge packed into it (`encrypted_content@id`) is unpacked, so it can go
 * back to `/responses` as the item it was.
 */
export function readChatReasoning(
  message: Json,
  path: string,
): ReasoningPart | undefined {
  const text = optionalString(message.reasoning_text, `${path}.reasoning_text`);
  const opaque = optionalString(
    message.reasoning_opaque,
    `${path}.reasoning_opaque`,
  );
  if (!text && !opaque) return undefined;
  const part: ReasoningPart = { type: 'reasoning', text: text ?? '' };
  if (opaque) Object.assign(part, readThinkingSignature(opaque));
  return part;
}
