import {
  UntranslatableError,
  type BridgeMessage,
  type ImagePart,
  type TextPart,
} from '../../ir';
import { imagePartFromUrl } from '../image-url';
import { arrayAt, optionalString, recordAt, stringAt } from '../json-fields';
import { noteUnhandledKeys } from '../notes';
import type { ReaderScope } from '../reader-scope';
import { notCarried } from '../refusal';
import { readAssistantMessage } from './read-chat-assistant';

export function readChatMessage(
  scope: ReaderScope,
  value: unknown,
  path: string,
): BridgeMessage {
  const message = recordAt(value, path);
  const role = stringAt(message.role, `${path}.role`);
  const contentPath = `${path}.content`;
  switch (role) {
    case 'system':
    case 'developer':
      noteUnhandledKeys(
        message,
        ['role', 'content'],
        scope.notes,
        'messages[]',
      );
      return {
        role: 'system',
        kind: role,
        content: readTextContent(message.content, contentPath),
      };
    case 'user':
      noteUnhandledKeys(
        message,
        ['role', 'content'],
        scope.notes,
        'messages[]',
      );
      return {
        role: 'user',
        content: readUserContent(scope, message.content, contentPath),
      };
    case 'assistant':
      return readAssistantMessage(scope, message, path);
    case 'tool':
      noteUnhandledKeys(
        message,
        ['role', 'content', 'tool_call_id'],
        scope.notes,
        'messages[]',
      );
      return {
        role: 'tool',
        toolCallId: stringAt(message.tool_call_id, `${path}.tool_call_id`),
        content: readTextContent(message.content, contentPath),
      };
    case 'function':
      throw notCarried(
        `${path}.role`,
        scope.model,
        'chat',
        'legacy function messages (they carry no call id; send tool messages)',
      );
    default:
      throw new UntranslatableError(`${path}.role`, `unknown role "${role}"`);
  }
}

/** A string or text parts (system, developer and tool messages). */
function readTextContent(value: unknown, path: string): TextPart[] {
  if (typeof value === 'string') {
    return value === '' ? [] : [{ type: 'text', text: value }];
  }
  return arrayAt(value, path).map((item, i) => {
    const partPath = `${path}[${i}]`;
    const part = recordAt(item, partPath);
    if (part.type !== 'text') {
      throw new UntranslatableError(
        `${partPath}.type`,
        'only text parts can be carried here',
      );
    }
    return { type: 'text', text: stringAt(part.text, `${partPath}.text`) };
  });
}

function readUserContent(
  scope: ReaderScope,
  value: unknown,
  path: string,
): Array<TextPart | ImagePart> {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  return arrayAt(value, path).map((item, i) => {
    const partPath = `${path}[${i}]`;
    const part = recordAt(item, partPath);
    switch (part.type) {
      case 'text':
        return {
          type: 'text',
          text: stringAt(part.text, `${partPath}.text`),
        };
      case 'image_url': {
        const image = recordAt(part.image_url, `${partPath}.image_url`);
        return imagePartFromUrl(
          stringAt(image.url, `${partPath}.image_url.url`),
          optionalString(image.detail, `${partPath}.image_url.detail`),
        );
      }
      default:
        throw notCarried(
          partPath,
          scope.model,
          'chat',
          `${String(part.type)} content parts`,
        );
    }
  });
}
