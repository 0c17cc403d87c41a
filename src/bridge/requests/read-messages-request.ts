import {
  UntranslatableError,
  type BridgeMessage,
  type BridgeNotes,
  type BridgeRequest,
  type Json,
} from '../ir';
import {
  arrayAt,
  isSet,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  recordAt,
  stringAt,
} from './json-fields';
import { readAssistantContent } from './messages/read-messages-assistant';
import {
  readSystem,
  readTextContent,
  readUserTurn,
} from './messages/read-messages-blocks';
import {
  readMetadata,
  readReasoningAndFormat,
} from './messages/read-messages-options';
import {
  readMessagesTool,
  readMessagesToolChoice,
} from './messages/read-messages-tools';
import { noteUnhandledKeys } from './notes';
import type { ReaderScope } from './reader-scope';
import { notCarried } from './refusal';

/** Top-level fields carried into the neutral form. */
const HANDLED = [
  'model',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'max_tokens',
  'temperature',
  'top_p',
  'stop_sequences',
  'stream',
  'thinking',
  'output_config',
  'metadata',
];

/** What only Anthropic's own servers can run: refused, naming the field. */
const REFUSED: Readonly<Record<string, string>> = {
  container: 'code-execution container',
  mcp_servers: 'MCP connector',
};

/**
 * Reads an Anthropic Messages request body. Hints with no counterpart
 * (`cache_control` anywhere, `context_management`, `service_tier`, metadata
 * other than `user_id`, `top_k`, any field this reader does not know) are named
 * in `notes.ignored`. `top_k` is ignored rather than refused: it only narrows
 * sampling, OpenAI's APIs have no such knob, and SDKs set it routinely.
 * `metadata.user_id` becomes `user`.
 */
export function readMessagesRequest(
  body: Json,
  notes: BridgeNotes,
): BridgeRequest {
  const model = stringAt(body.model, 'model');
  for (const [key, value] of Object.entries(body)) {
    if (isSet(value) && REFUSED[key]) {
      throw notCarried(key, model, 'messages', REFUSED[key]);
    }
  }
  noteUnhandledKeys(body, HANDLED, notes);
  const scope: ReaderScope = { model, notes };

  const request: BridgeRequest = {
    model,
    messages: [
      ...readSystem(scope, body.system),
      ...arrayAt(body.messages, 'messages').flatMap((message, i) =>
        readMessage(scope, message, `messages[${i}]`),
      ),
    ],
    stream: optionalBoolean(body.stream, 'stream') ?? false,
  };
  const tools = optionalArray(body.tools, 'tools')?.map((tool, i) =>
    readMessagesTool(scope, tool, `tools[${i}]`),
  );
  if (tools) request.tools = tools;
  readMessagesToolChoice(body.tool_choice, request);
  setIfDefined(
    request,
    'maxOutputTokens',
    optionalNumber(body.max_tokens, 'max_tokens'),
  );
  setIfDefined(
    request,
    'temperature',
    optionalNumber(body.temperature, 'temperature'),
  );
  setIfDefined(request, 'topP', optionalNumber(body.top_p, 'top_p'));
  const stop = optionalArray(body.stop_sequences, 'stop_sequences')?.map(
    (item, i) => stringAt(item, `stop_sequences[${i}]`),
  );
  if (stop) request.stop = stop;
  readReasoningAndFormat(scope, body.thinking, body.output_config, request);
  readMetadata(scope, body.metadata, request);
  return request;
}

function setIfDefined<K extends keyof BridgeRequest>(
  request: BridgeRequest,
  key: K,
  value: BridgeRequest[K] | undefined,
): void {
  if (value !== undefined) request[key] = value;
}

/** One entry of `messages`; a `system` one (Claude Code's reminders) stays in place. */
function readMessage(
  scope: ReaderScope,
  value: unknown,
  path: string,
): BridgeMessage[] {
  const message = recordAt(value, path);
  const role = stringAt(message.role, `${path}.role`);
  const contentPath = `${path}.content`;
  switch (role) {
    case 'system':
      // Claude Code puts mid-conversation system prompts in `messages`.
      return [
        {
          role: 'system',
          kind: 'system',
          content: readTextContent(scope, message.content, contentPath),
        },
      ];
    case 'user':
      return readUserTurn(scope, message.content, contentPath);
    case 'assistant':
      return [
        {
          role: 'assistant',
          content: readAssistantContent(scope, message.content, contentPath),
        },
      ];
    default:
      throw new UntranslatableError(
        `${path}.role`,
        `unknown role "${role}" (Anthropic has user, assistant and system)`,
      );
  }
}
