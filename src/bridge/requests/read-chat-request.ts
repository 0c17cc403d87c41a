import type { BridgeNotes, BridgeRequest, Json } from '../ir';
import { readChatMessage } from './chat/read-chat-messages';
import {
  readReasoningEffort,
  readResponseFormat,
} from './chat/read-chat-options';
import { readChatTool, readChatToolChoice } from './chat/read-chat-tools';
import {
  arrayAt,
  isSet,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalRecord,
  optionalString,
  stopSequences,
  stringAt,
} from './json-fields';
import { noteUnhandledKeys } from './notes';
import type { ReaderScope } from './reader-scope';
import { notCarried } from './refusal';

const HANDLED = [
  'model',
  'messages',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'stop',
  'stream',
  'stream_options',
  'response_format',
  'reasoning_effort',
  'user',
  'n',
  'logprobs',
  'top_logprobs',
  'modalities',
];

/** Fields that change the answer and that Responses cannot carry. */
const REFUSED: Readonly<Record<string, string>> = {
  audio: 'audio output',
  prediction: 'predicted outputs',
  web_search_options: 'Chat web search',
  functions: 'legacy `functions` (send `tools`)',
  function_call: 'legacy `function_call` (send `tool_choice`)',
};

/**
 * Reads an OpenAI Chat Completions request body. Refused (they change the
 * answer and Responses has no place for them): `n` > 1, `logprobs`,
 * `top_logprobs` > 0, audio (`audio`, `modalities` with audio, `input_audio`
 * parts), `file` parts, `prediction`, `web_search_options`, the legacy
 * `function` role and `functions`/`function_call` (they carry no call ids, so
 * results could not be matched to calls). Ignored and noted: `store`,
 * `metadata`, `seed`, `service_tier`, `prompt_cache_key`, `safety_identifier`,
 * `verbosity`, message `name`s, and the sampling penalties `presence_penalty`,
 * `frequency_penalty`, `logit_bias` — the Responses models have no such knobs
 * (OpenAI's reasoning models refuse them even on Chat), so they are dropped
 * rather than failing the request.
 */
export function readChatRequest(body: Json, notes: BridgeNotes): BridgeRequest {
  const model = stringAt(body.model, 'model');
  for (const [key, value] of Object.entries(body)) {
    if (isSet(value) && REFUSED[key]) {
      throw notCarried(key, model, 'chat', REFUSED[key]);
    }
  }
  refuseAnswerShapes(body, model);
  noteUnhandledKeys(body, HANDLED, notes);
  const scope: ReaderScope = { model, notes };

  const request: BridgeRequest = {
    model,
    messages: arrayAt(body.messages, 'messages').map((message, i) =>
      readChatMessage(scope, message, `messages[${i}]`),
    ),
    stream: optionalBoolean(body.stream, 'stream') ?? false,
  };
  const tools = optionalArray(body.tools, 'tools')?.map((tool, i) =>
    readChatTool(scope, tool, `tools[${i}]`),
  );
  if (tools) request.tools = tools;
  readChatToolChoice(scope, body.tool_choice, request);
  const parallel = optionalBoolean(
    body.parallel_tool_calls,
    'parallel_tool_calls',
  );
  if (parallel !== undefined) request.parallelToolCalls = parallel;
  const maxTokens =
    optionalNumber(body.max_completion_tokens, 'max_completion_tokens') ??
    optionalNumber(body.max_tokens, 'max_tokens');
  if (maxTokens !== undefined) request.maxOutputTokens = maxTokens;
  const temperature = optionalNumber(body.temperature, 'temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body.top_p, 'top_p');
  if (topP !== undefined) request.topP = topP;
  const stop = stopSequences(body.stop, 'stop');
  if (stop) request.stop = stop;
  const streamOptions = optionalRecord(body.stream_options, 'stream_options');
  if (streamOptions) {
    noteUnhandledKeys(
      streamOptions,
      ['include_usage'],
      notes,
      'stream_options',
    );
    const includeUsage = optionalBoolean(
      streamOptions.include_usage,
      'stream_options.include_usage',
    );
    if (includeUsage !== undefined) request.includeUsage = includeUsage;
  }
  readResponseFormat(scope, body.response_format, request);
  readReasoningEffort(body.reasoning_effort, request);
  const user = optionalString(body.user, 'user');
  if (user !== undefined) request.user = user;
  return request;
}

function refuseAnswerShapes(body: Json, model: string): void {
  const n = optionalNumber(body.n, 'n');
  if (n !== undefined && n > 1) {
    throw notCarried('n', model, 'chat', 'several choices per request');
  }
  if (optionalBoolean(body.logprobs, 'logprobs')) {
    throw notCarried('logprobs', model, 'chat', 'log probabilities');
  }
  const topLogprobs = optionalNumber(body.top_logprobs, 'top_logprobs');
  if (topLogprobs !== undefined && topLogprobs > 0) {
    throw notCarried('top_logprobs', model, 'chat', 'log probabilities');
  }
  const modalities = optionalArray(body.modalities, 'modalities');
  if (modalities?.includes('audio')) {
    throw notCarried('modalities', model, 'chat', 'audio output');
  }
}
