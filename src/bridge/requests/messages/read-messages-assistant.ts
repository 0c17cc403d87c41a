import type { Json, ReasoningPart, TextPart, ToolCallPart } from '../../ir';
import {
  arrayAt,
  isSet,
  optionalString,
  recordAt,
  stringAt,
} from '../json-fields';
import type { ReaderScope } from '../reader-scope';
import { readThinkingSignature } from '../reasoning-carrier';
import { noteBlockHints, readText, unknownBlock } from './read-messages-blocks';

/** An assistant turn: text, thinking (signed or redacted) and tool calls, in order. */
export function readAssistantContent(
  scope: ReaderScope,
  value: unknown,
  path: string,
): Array<TextPart | ReasoningPart | ToolCallPart> {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return arrayAt(value, path).map((item, i) => {
    const blockPath = `${path}[${i}]`;
    const block = recordAt(item, blockPath);
    switch (block.type) {
      case 'text':
        return readText(scope, block, blockPath);
      case 'thinking':
        return readThinking(scope, block, blockPath);
      case 'redacted_thinking':
        noteBlockHints(scope, block, ['type', 'data'], 'redacted_thinking');
        return {
          type: 'reasoning',
          text: '',
          redacted: stringAt(block.data, `${blockPath}.data`),
        };
      case 'tool_use':
        return readToolUse(scope, block, blockPath);
      default:
        throw unknownBlock(scope, block, blockPath);
    }
  });
}

/**
 * A signature packed from a Responses reasoning item is unpacked back. A
 * `thinking` that is null or missing (M10) reads as `""`: it is only text, and
 * the signature, not the text, is what the model takes back.
 */
function readThinking(
  scope: ReaderScope,
  block: Json,
  path: string,
): ReasoningPart {
  noteBlockHints(scope, block, ['type', 'thinking', 'signature'], 'thinking');
  const part: ReasoningPart = {
    type: 'reasoning',
    text: optionalString(block.thinking, `${path}.thinking`) ?? '',
  };
  const signature = optionalString(block.signature, `${path}.signature`);
  if (signature) Object.assign(part, readThinkingSignature(signature));
  return part;
}

/** `input` is an object; Chat and Responses carry its JSON text. */
function readToolUse(
  scope: ReaderScope,
  block: Json,
  path: string,
): ToolCallPart {
  noteBlockHints(scope, block, ['type', 'id', 'name', 'input'], 'tool_use');
  const input = isSet(block.input)
    ? recordAt(block.input, `${path}.input`)
    : {};
  return {
    type: 'tool-call',
    id: stringAt(block.id, `${path}.id`),
    name: stringAt(block.name, `${path}.name`),
    arguments: JSON.stringify(input),
  };
}
