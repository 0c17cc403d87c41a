import {
  UntranslatableError,
  type BridgeMessage,
  type ImagePart,
  type Json,
  type TextPart,
  type ToolCallPart,
} from '../../ir';
import { imagePartFromUrl } from '../image-url';
import {
  arrayAt,
  isSet,
  optionalString,
  recordAt,
  stringAt,
} from '../json-fields';
import { noteIgnored } from '../notes';
import type { ReaderScope } from '../reader-scope';
import { notCarried } from '../refusal';
import { readReasoningItem } from './read-responses-reasoning';

/** History items of a hosted search whose result the next assistant message already holds. */
const HARMLESS_ITEMS = new Set(['web_search_call']);

type AssistantContent = Extract<
  BridgeMessage,
  { role: 'assistant' }
>['content'];

/** Adds one input item; items may lack `type` (`{role, content}` is a message). */
export function readInputItem(
  scope: ReaderScope,
  value: unknown,
  path: string,
  messages: BridgeMessage[],
): void {
  const item = recordAt(value, path);
  const type = isSet(item.type)
    ? stringAt(item.type, `${path}.type`)
    : isSet(item.role)
      ? 'message'
      : undefined;
  switch (type) {
    case 'message':
      readMessageItem(scope, item, path, messages);
      return;
    case 'function_call':
      assistantTurn(messages).push(readFunctionCall(item, path));
      return;
    case 'function_call_output':
      messages.push(readFunctionCallOutput(scope, item, path));
      return;
    case 'reasoning':
      assistantTurn(messages).push(readReasoningItem(item, path));
      return;
    default:
      if (type !== undefined && HARMLESS_ITEMS.has(type)) {
        noteIgnored(scope.notes, `input.${type}`);
        return;
      }
      throw notCarried(
        path,
        scope.model,
        'responses',
        type === undefined
          ? 'input item without a type'
          : `${type} items in the conversation`,
      );
  }
}

/** The assistant turn the next assistant item joins. */
function assistantTurn(messages: BridgeMessage[]): AssistantContent {
  const last = messages[messages.length - 1];
  if (last?.role === 'assistant') return last.content;
  const content: AssistantContent = [];
  messages.push({ role: 'assistant', content });
  return content;
}

function readMessageItem(
  scope: ReaderScope,
  item: Json,
  path: string,
  messages: BridgeMessage[],
): void {
  const role = stringAt(item.role, `${path}.role`);
  const contentPath = `${path}.content`;
  switch (role) {
    case 'system':
    case 'developer':
      messages.push({
        role: 'system',
        kind: role,
        content: readTextContent(item.content, contentPath),
      });
      return;
    case 'user':
      messages.push({
        role: 'user',
        content: readUserContent(scope, item.content, contentPath),
      });
      return;
    case 'assistant':
      assistantTurn(messages).push(
        ...readTextContent(item.content, contentPath),
      );
      return;
    default:
      throw new UntranslatableError(`${path}.role`, `unknown role "${role}"`);
  }
}

/** Text of any kind: `input_text`, `output_text`, `refusal`. */
function readTextContent(value: unknown, path: string): TextPart[] {
  if (typeof value === 'string') {
    return value === '' ? [] : [{ type: 'text', text: value }];
  }
  return arrayAt(value, path).map((item, i) => {
    const partPath = `${path}[${i}]`;
    const part = recordAt(item, partPath);
    const text = readTextPart(part, partPath);
    if (text === undefined) {
      throw new UntranslatableError(
        `${partPath}.type`,
        `only text can be carried here, not ${String(part.type)}`,
      );
    }
    return text;
  });
}

function readTextPart(part: Json, path: string): TextPart | undefined {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
    case 'text':
      return { type: 'text', text: stringAt(part.text, `${path}.text`) };
    case 'refusal':
      return {
        type: 'text',
        text: stringAt(part.refusal, `${path}.refusal`),
      };
    default:
      return undefined;
  }
}

function readUserContent(
  scope: ReaderScope,
  value: unknown,
  path: string,
): Array<TextPart | ImagePart> {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return arrayAt(value, path).map((item, i) =>
    readRichPart(scope, item, `${path}[${i}]`),
  );
}

/** A text or image part (user content, function outputs). */
function readRichPart(
  scope: ReaderScope,
  value: unknown,
  path: string,
): TextPart | ImagePart {
  const part = recordAt(value, path);
  const text = readTextPart(part, path);
  if (text) return text;
  if (part.type === 'input_image') {
    if (!isSet(part.image_url)) {
      throw notCarried(
        isSet(part.file_id) ? `${path}.file_id` : path,
        scope.model,
        'responses',
        'images by file id (send the image as a URL or data URL)',
      );
    }
    return imagePartFromUrl(
      stringAt(part.image_url, `${path}.image_url`),
      optionalString(part.detail, `${path}.detail`),
    );
  }
  throw notCarried(
    path,
    scope.model,
    'responses',
    `${String(part.type)} content parts`,
  );
}

/** `call_id` ties the output to the call; empty arguments become `{}`. */
function readFunctionCall(item: Json, path: string): ToolCallPart {
  const callId = item.call_id;
  if (typeof callId !== 'string' || callId === '') {
    throw new UntranslatableError(
      `${path}.call_id`,
      'a function call needs its call_id: the function_call_output that answers it names that id',
    );
  }
  const args = optionalString(item.arguments, `${path}.arguments`);
  const call: ToolCallPart = {
    type: 'tool-call',
    id: callId,
    name: stringAt(item.name, `${path}.name`),
    arguments: args === undefined || args.trim() === '' ? '{}' : args,
  };
  const namespace = optionalString(item.namespace, `${path}.namespace`);
  if (namespace !== undefined) call.namespace = namespace;
  return call;
}

function readFunctionCallOutput(
  scope: ReaderScope,
  item: Json,
  path: string,
): BridgeMessage {
  const toolCallId = stringAt(item.call_id, `${path}.call_id`);
  const outputPath = `${path}.output`;
  let content: Array<TextPart | ImagePart>;
  if (typeof item.output === 'string') {
    content = item.output === '' ? [] : [{ type: 'text', text: item.output }];
  } else {
    content = arrayAt(item.output, outputPath).map((part, i) =>
      readRichPart(scope, part, `${outputPath}[${i}]`),
    );
  }
  return { role: 'tool', toolCallId, content };
}
