/** The three request shapes whose conversations the proxy reads (SPEC §8). */
export type ConversationKind = 'chat' | 'messages' | 'responses';

export interface ConversationFacts {
  model: string | undefined;
  /** Whose turn the request is; undefined when the body has no conversation to read. */
  initiator: 'user' | 'agent' | undefined;
  /** Any content part is an image. */
  vision: boolean;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Image parts in OpenAI chat, Anthropic messages and the Responses API. */
const IMAGE_TYPES = new Set(['image_url', 'image', 'input_image']);

/**
 * Reads a parsed request body: the model, whose turn it is and whether any part
 * is an image. `user` only when the last turn is a person's:
 * - chat completions: the last message's role is `user`;
 * - Anthropic messages: the last `user` message has a block other than
 *   `tool_result` (or is plain text);
 * - Responses: `input` is a string, or its last item is a user message (not a
 *   `function_call_output` or anything the model produced).
 * Everything else — tool results, assistant turns, system-only or empty
 * conversations — is the agent's.
 */
export function readConversation(
  kind: ConversationKind,
  body: unknown,
): ConversationFacts {
  if (!isObject(body))
    return { model: undefined, initiator: undefined, vision: false };
  const model = typeof body.model === 'string' ? body.model : undefined;
  switch (kind) {
    case 'chat':
      return chat(model, body.messages);
    case 'messages':
      return messages(model, body.messages);
    case 'responses':
      return responses(model, body.input);
  }
}

function chat(model: string | undefined, list: unknown): ConversationFacts {
  if (!Array.isArray(list))
    return { model, initiator: undefined, vision: false };
  const last: unknown = list[list.length - 1];
  return {
    model,
    initiator: isObject(last) && last.role === 'user' ? 'user' : 'agent',
    vision: list.some((m) => isObject(m) && hasImage(m.content)),
  };
}

function messages(model: string | undefined, list: unknown): ConversationFacts {
  if (!Array.isArray(list))
    return { model, initiator: undefined, vision: false };
  let initiator: 'user' | 'agent' = 'agent';
  for (let i = list.length - 1; i >= 0; i--) {
    const message: unknown = list[i];
    if (!isObject(message) || message.role !== 'user') continue;
    const content = message.content;
    const person =
      typeof content === 'string' ||
      (Array.isArray(content) &&
        content.some(
          (block) => !isObject(block) || block.type !== 'tool_result',
        ));
    initiator = person ? 'user' : 'agent';
    break;
  }
  return {
    model,
    initiator,
    vision: list.some((m) => isObject(m) && hasImage(m.content)),
  };
}

function responses(
  model: string | undefined,
  input: unknown,
): ConversationFacts {
  if (typeof input === 'string')
    return { model, initiator: 'user', vision: false };
  if (!Array.isArray(input))
    return { model, initiator: undefined, vision: false };
  const last: unknown = input[input.length - 1];
  const userMessage =
    isObject(last) &&
    last.role === 'user' &&
    (last.type === undefined || last.type === 'message');
  return {
    model,
    initiator: userMessage ? 'user' : 'agent',
    // Images come in messages, and in tool outputs (screenshots) as well.
    vision: input.some(
      (item) =>
        isObject(item) && (hasImage(item.content) || hasImage(item.output)),
    ),
  };
}

/** An image anywhere in a content array, tool results' own content included. */
function hasImage(content: unknown, depth = 0): boolean {
  if (!Array.isArray(content) || depth > 3) return false;
  for (const part of content) {
    if (!isObject(part)) continue;
    if (typeof part.type === 'string' && IMAGE_TYPES.has(part.type))
      return true;
    if (hasImage(part.content, depth + 1)) return true;
  }
  return false;
}

/**
 * The tool call ids the last turn answers with its tool results: Chat's
 * trailing `tool` messages, the last Messages `user` turn's `tool_result`
 * blocks, Responses' trailing `*_call_output` items. Empty when the last turn
 * is no tool result (an assistant turn, a person's message).
 */
export function answeredToolCalls(
  kind: ConversationKind,
  body: unknown,
): string[] {
  if (!isObject(body)) return [];
  const ids: string[] = [];
  const list = kind === 'responses' ? body.input : body.messages;
  if (!Array.isArray(list)) return ids;
  if (kind === 'messages') {
    const last: unknown = list[list.length - 1];
    if (!isObject(last) || last.role !== 'user' || !Array.isArray(last.content))
      return ids;
    for (const block of last.content) {
      if (!isObject(block) || block.type !== 'tool_result') continue;
      if (typeof block.tool_use_id !== 'string') return [];
      ids.push(block.tool_use_id);
    }
    return ids;
  }
  for (let i = list.length - 1; i >= 0; i--) {
    const item: unknown = list[i];
    const answer =
      kind === 'chat'
        ? isObject(item) && item.role === 'tool'
          ? item.tool_call_id
          : undefined
        : isObject(item) &&
            typeof item.type === 'string' &&
            item.type.endsWith('_call_output')
          ? item.call_id
          : undefined;
    if (answer === undefined) break;
    if (typeof answer !== 'string') return [];
    ids.push(answer);
  }
  return ids;
}
