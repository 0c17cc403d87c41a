import {
  UntranslatableError,
  type BridgeMessage,
  type Json,
  type ReasoningPart,
  type TextPart,
  type ToolCallPart,
} from '../../ir';
import {
  arrayAt,
  isSet,
  optionalArray,
  optionalString,
  recordAt,
  stringAt,
} from '../json-fields';
import { noteUnhandledKeys } from '../notes';
import type { ReaderScope } from '../reader-scope';
import { notCarried } from '../refusal';
import { readChatReasoning } from './read-chat-reasoning';

/** Content may be null beside tool calls; a `refusal` is kept as text. */
export function readAssistantMessage(
  scope: ReaderScope,
  message: Json,
  path: string,
): BridgeMessage {
  for (const key of ['audio', 'function_call']) {
    if (isSet(message[key])) {
      throw notCarried(
        `${path}.${key}`,
        scope.model,
        'chat',
        key === 'audio' ? 'audio answers' : 'legacy function calls',
      );
    }
  }
  noteUnhandledKeys(
    message,
    [
      'role',
      'content',
      'tool_calls',
      'refusal',
      'reasoning_text',
      'reasoning_opaque',
    ],
    scope.notes,
    'messages[]',
  );
  const content: Array<TextPart | ReasoningPart | ToolCallPart> = [];
  const reasoning = readChatReasoning(message, path);
  if (reasoning) content.push(reasoning);
  const contentPath = `${path}.content`;
  if (typeof message.content === 'string') {
    if (message.content !== '') {
      content.push({ type: 'text', text: message.content });
    }
  } else if (isSet(message.content)) {
    arrayAt(message.content, contentPath).forEach((item, i) => {
      const partPath = `${contentPath}[${i}]`;
      const part = recordAt(item, partPath);
      if (part.type === 'text') {
        content.push({
          type: 'text',
          text: stringAt(part.text, `${partPath}.text`),
        });
      } else if (part.type === 'refusal') {
        content.push({
          type: 'text',
          text: stringAt(part.refusal, `${partPath}.refusal`),
        });
      } else {
        throw new UntranslatableError(
          `${partPath}.type`,
          'assistant content parts are text or refusal',
        );
      }
    });
  }
  const refusal = optionalString(message.refusal, `${path}.refusal`);
  if (refusal) content.push({ type: 'text', text: refusal });
  optionalArray(message.tool_calls, `${path}.tool_calls`)?.forEach((item, i) =>
    content.push(readToolCall(scope, item, `${path}.tool_calls[${i}]`)),
  );
  return { role: 'assistant', content };
}

/** The id is what the tool message answers: a call without one is refused. */
function readToolCall(
  scope: ReaderScope,
  value: unknown,
  path: string,
): ToolCallPart {
  const call = recordAt(value, path);
  if (isSet(call.type) && call.type !== 'function') {
    throw notCarried(
      `${path}.type`,
      scope.model,
      'chat',
      `${String(call.type)} tool calls`,
    );
  }
  if (typeof call.id !== 'string' || call.id === '') {
    throw new UntranslatableError(
      `${path}.id`,
      'a tool call needs its id: the tool message that answers it names that id',
    );
  }
  const fn = recordAt(call.function, `${path}.function`);
  const args = optionalString(fn.arguments, `${path}.function.arguments`);
  return {
    type: 'tool-call',
    id: call.id,
    name: stringAt(fn.name, `${path}.function.name`),
    arguments: args === undefined || args.trim() === '' ? '{}' : args,
  };
}
