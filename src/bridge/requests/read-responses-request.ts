import type { BridgeMessage, BridgeNotes, BridgeRequest, Json } from '../ir';
import {
  arrayAt,
  isSet,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalString,
  stringAt,
} from './json-fields';
import { noteUnhandledKeys } from './notes';
import type { ReaderScope } from './reader-scope';
import { notCarried } from './refusal';
import { readInputItem } from './responses/read-responses-input';
import { readTextOptions } from './responses/read-responses-options';
import { readReasoningOptions } from './responses/read-responses-reasoning';
import {
  readResponsesToolChoice,
  readResponsesTools,
} from './responses/read-responses-tools';

const HANDLED = [
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'reasoning',
  'text',
  'stream',
  'user',
  'top_logprobs',
  'background',
];

/** State that lives at OpenAI, or features only its servers run. */
const REFUSED: Readonly<Record<string, string>> = {
  previous_response_id:
    'stored responses (`previous_response_id`; send the whole conversation in `input` with `store: false`)',
  conversation: 'stored conversations (`conversation`)',
  prompt: 'stored prompt templates (`prompt`)',
  max_tool_calls: 'limit on hosted tool calls (`max_tool_calls`)',
};

/**
 * Reads an OpenAI Responses request body (Codex's). `instructions` becomes a
 * leading system message. Items with the same role run together: assistant
 * messages, `reasoning` and `function_call` items up to the next other item
 * make one assistant turn (parallel calls stay one turn). Function tools and
 * the functions of Codex's `namespace` tools are carried (a call keeps its
 * `namespace`); `web_search` tools and `web_search_call` history items are left
 * out with a note; every other hosted or freeform tool (`custom`, `local_shell`,
 * `file_search`, `computer_use_preview`, `code_interpreter`, `image_generation`,
 * `mcp`, `tool_search`, …) and item kind that cannot be replayed elsewhere is
 * refused. `store`, `include`, `prompt_cache_key`, `client_metadata`,
 * `metadata`, `truncation`, `service_tier`, `safety_identifier` and
 * `text.verbosity` are noted.
 */
export function readResponsesRequest(
  body: Json,
  notes: BridgeNotes,
): BridgeRequest {
  const model = stringAt(body.model, 'model');
  for (const [key, value] of Object.entries(body)) {
    if (isSet(value) && REFUSED[key]) {
      throw notCarried(key, model, 'responses', REFUSED[key]);
    }
  }
  if (optionalBoolean(body.background, 'background')) {
    throw notCarried('background', model, 'responses', 'background responses');
  }
  const topLogprobs = optionalNumber(body.top_logprobs, 'top_logprobs');
  if (topLogprobs !== undefined && topLogprobs > 0) {
    throw notCarried('top_logprobs', model, 'responses', 'log probabilities');
  }
  noteUnhandledKeys(body, HANDLED, notes);
  const scope: ReaderScope = { model, notes };

  const messages: BridgeMessage[] = [];
  const instructions = optionalString(body.instructions, 'instructions');
  if (instructions) {
    messages.push({
      role: 'system',
      kind: 'system',
      content: [{ type: 'text', text: instructions }],
    });
  }
  if (typeof body.input === 'string') {
    messages.push({
      role: 'user',
      content: [{ type: 'text', text: body.input }],
    });
  } else {
    arrayAt(body.input, 'input').forEach((item, i) =>
      readInputItem(scope, item, `input[${i}]`, messages),
    );
  }

  const request: BridgeRequest = {
    model,
    messages,
    stream: optionalBoolean(body.stream, 'stream') ?? false,
  };
  const tools = optionalArray(body.tools, 'tools');
  if (tools) request.tools = readResponsesTools(scope, tools);
  readResponsesToolChoice(scope, body.tool_choice, request);
  const parallel = optionalBoolean(
    body.parallel_tool_calls,
    'parallel_tool_calls',
  );
  if (parallel !== undefined) request.parallelToolCalls = parallel;
  const maxTokens = optionalNumber(body.max_output_tokens, 'max_output_tokens');
  if (maxTokens !== undefined) request.maxOutputTokens = maxTokens;
  const temperature = optionalNumber(body.temperature, 'temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body.top_p, 'top_p');
  if (topP !== undefined) request.topP = topP;
  readReasoningOptions(scope, body.reasoning, request);
  readTextOptions(scope, body.text, request);
  const user = optionalString(body.user, 'user');
  if (user !== undefined) request.user = user;
  return request;
}
