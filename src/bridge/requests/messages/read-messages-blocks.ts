import {
  UntranslatableError,
  type BridgeMessage,
  type ImagePart,
  type Json,
  type TextPart,
} from '../../ir';
import {
  arrayAt,
  isSet,
  optionalBoolean,
  recordAt,
  stringAt,
} from '../json-fields';
import { noteIgnored, noteUnhandledKeys } from '../notes';
import type { ReaderScope } from '../reader-scope';
import { notCarried } from '../refusal';

/** Claude Code's billing line and the blank line after it. */
const BILLING_HEADER = /^x-anthropic-billing-header:[^\n]*(?:\n\s*)?/;

/**
 * The top-level `system`: one system message, its blocks kept in order.
 * Claude Code starts it with an `x-anthropic-billing-header: …` line, which
 * means nothing to another vendor and which Copilot refuses outside its
 * Anthropic endpoint ("x-anthropic-billing-header is a reserved keyword and
 * may not be used in the system prompt", ericc-ch/copilot-api#174): that
 * line is taken out and noted.
 */
export function readSystem(
  scope: ReaderScope,
  value: unknown,
): BridgeMessage[] {
  if (!isSet(value)) return [];
  const content = readTextContent(scope, value, 'system').flatMap((part) => {
    const text = withoutBillingHeader(scope, part.text);
    return text === '' ? [] : [{ ...part, text }];
  });
  return content.length > 0
    ? [{ role: 'system', kind: 'system', content }]
    : [];
}

function withoutBillingHeader(scope: ReaderScope, text: string): string {
  if (!BILLING_HEADER.test(text)) return text;
  noteIgnored(scope.notes, 'x-anthropic-billing-header');
  return text.replace(BILLING_HEADER, '');
}

/** A string or text blocks (system prompts, tool results). */
export function readTextContent(
  scope: ReaderScope,
  value: unknown,
  path: string,
): TextPart[] {
  if (typeof value === 'string') {
    return value === '' ? [] : [{ type: 'text', text: value }];
  }
  return arrayAt(value, path).map((item, i) => {
    const blockPath = `${path}[${i}]`;
    const block = recordAt(item, blockPath);
    if (block.type !== 'text') {
      throw new UntranslatableError(
        `${blockPath}.type`,
        'only text blocks can be carried here',
      );
    }
    return readText(scope, block, blockPath);
  });
}

export function readText(
  scope: ReaderScope,
  block: Json,
  path: string,
): TextPart {
  noteBlockHints(scope, block, ['type', 'text'], 'text');
  return { type: 'text', text: stringAt(block.text, `${path}.text`) };
}

/** `cache_control` and `citations` are named once each, other keys by block type. */
export function noteBlockHints(
  scope: ReaderScope,
  block: Json,
  handled: string[],
  kind: string,
): void {
  if (isSet(block.cache_control)) noteIgnored(scope.notes, 'cache_control');
  if (isSet(block.citations)) noteIgnored(scope.notes, 'citations');
  noteUnhandledKeys(
    block,
    [...handled, 'cache_control', 'citations'],
    scope.notes,
    kind,
  );
}

/**
 * A user turn. Anthropic requires tool results first in the turn; they
 * become tool messages ahead of a user message with the turn's other blocks.
 */
export function readUserTurn(
  scope: ReaderScope,
  value: unknown,
  path: string,
): BridgeMessage[] {
  if (typeof value === 'string') {
    return [{ role: 'user', content: [{ type: 'text', text: value }] }];
  }
  const results: BridgeMessage[] = [];
  const content: Array<TextPart | ImagePart> = [];
  arrayAt(value, path).forEach((item, i) => {
    const blockPath = `${path}[${i}]`;
    const block = recordAt(item, blockPath);
    switch (block.type) {
      case 'text':
        content.push(readText(scope, block, blockPath));
        return;
      case 'image':
        content.push(readImage(scope, block, blockPath));
        return;
      case 'tool_result':
        results.push(readToolResult(scope, block, blockPath));
        return;
      default:
        throw unknownBlock(scope, block, blockPath);
    }
  });
  return content.length > 0 ? [...results, { role: 'user', content }] : results;
}

function readImage(scope: ReaderScope, block: Json, path: string): ImagePart {
  noteBlockHints(scope, block, ['type', 'source'], 'image');
  const sourcePath = `${path}.source`;
  const source = recordAt(block.source, sourcePath);
  switch (source.type) {
    case 'base64':
      return {
        type: 'image',
        source: 'base64',
        mediaType: stringAt(source.media_type, `${sourcePath}.media_type`),
        data: stringAt(source.data, `${sourcePath}.data`),
      };
    case 'url':
      return {
        type: 'image',
        source: 'url',
        url: stringAt(source.url, `${sourcePath}.url`),
      };
    default:
      throw notCarried(
        `${sourcePath}.type`,
        scope.model,
        'messages',
        `image source of type ${String(source.type)} (Anthropic Files)`,
      );
  }
}

function readToolResult(
  scope: ReaderScope,
  block: Json,
  path: string,
): BridgeMessage {
  noteBlockHints(
    scope,
    block,
    ['type', 'tool_use_id', 'content', 'is_error'],
    'tool_result',
  );
  const toolCallId = stringAt(block.tool_use_id, `${path}.tool_use_id`);
  const contentPath = `${path}.content`;
  let content: Array<TextPart | ImagePart> = [];
  if (typeof block.content === 'string') {
    content =
      block.content === '' ? [] : [{ type: 'text', text: block.content }];
  } else if (isSet(block.content)) {
    content = arrayAt(block.content, contentPath).map((item, i) => {
      const partPath = `${contentPath}[${i}]`;
      const part = recordAt(item, partPath);
      if (part.type === 'text') return readText(scope, part, partPath);
      if (part.type === 'image') return readImage(scope, part, partPath);
      throw unknownBlock(scope, part, partPath);
    });
  }
  const message: BridgeMessage = { role: 'tool', toolCallId, content };
  if (optionalBoolean(block.is_error, `${path}.is_error`)) {
    message.isError = true;
  }
  return message;
}

export function unknownBlock(
  scope: ReaderScope,
  block: Json,
  path: string,
): UntranslatableError {
  return notCarried(
    path,
    scope.model,
    'messages',
    `${String(block.type)} block`,
  );
}
