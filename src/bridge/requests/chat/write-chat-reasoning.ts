import type { BridgeMessage, BridgeNotes, Json, ReasoningPart } from '../../ir';
import { noteIgnored } from '../notes';

const CLAUDE = /^claude/i;
/**
 * Models whose reasoning goes back as `reasoning_opaque` (C8): Claude's
 * signatures, and Gemini's thought signatures, which Gemini needs back in tool
 * loops.
 */
const OPAQUE_REASONING = /^(claude|gemini)/i;

/**
 * OpenAI's `encrypted_content` is a Fernet token (`gAAAAA…`); Claude's and
 * Gemini's signatures never are (protobuf, base64). One in a chat model's
 * history comes from a Responses model earlier in the conversation: the chat
 * model cannot verify it and Copilot would refuse the whole turn (M10, C8).
 */
const RESPONSES_ENCRYPTED = /^gAAAAA/;

/**
 * The token a Chat reasoning replay carries: a signature, or what a Responses
 * client kept; none when it is a Responses model's own.
 */
function opaqueToken(part: ReasoningPart): string | undefined {
  const token = part.signature ?? part.encrypted;
  return token !== undefined && !RESPONSES_ENCRYPTED.test(token)
    ? token
    : undefined;
}

/**
 * Reasoning from earlier turns on an assistant message: Copilot's chat API
 * takes Claude thinking and Gemini thought signatures back as `reasoning_text`
 * + `reasoning_opaque`, one per message, so for Claude and Gemini the first
 * signed reasoning of a turn is carried, its token unaltered (an Anthropic
 * signature, or what a Responses client kept as `encrypted_content`). Gemini's
 * often come without text: no `reasoning_text` then. Any other reasoning
 * (redacted, unsigned, a Responses model's, for a model that takes none) is
 * left out and noted as `reasoning-history`: a tool loop goes on without it
 * rather than fail on what the model cannot verify.
 */
export function writeReasoningHistory(
  message: Json,
  content: Extract<BridgeMessage, { role: 'assistant' }>['content'],
  model: string,
  notes: BridgeNotes,
): void {
  const reasoningParts = content.filter(
    (part): part is ReasoningPart => part.type === 'reasoning',
  );
  const carried = OPAQUE_REASONING.test(model)
    ? reasoningParts.find((part) => opaqueToken(part) !== undefined)
    : undefined;
  if (carried) {
    if (carried.text !== '' || CLAUDE.test(model)) {
      message.reasoning_text = carried.text;
    }
    message.reasoning_opaque = opaqueToken(carried);
  }
  if (reasoningParts.some((part) => part !== carried)) {
    noteIgnored(notes, 'reasoning-history');
  }
}
