import {
  UntranslatableError,
  type BridgeMessage,
  type BridgeNotes,
  type BridgeRequest,
  type BridgeTool,
  type ImagePart,
  type Json,
  type ReasoningEffort,
  type TextPart,
  type ToolCallPart,
} from '../ir';
import { imagePartFromUrl } from './image-url';
import {
  arrayAt,
  isSet,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalRecord,
  optionalString,
  recordAt,
  stopSequences,
  stringAt,
} from './json-fields';
import { functionTool, namedToolChoice } from './function-tool';
import { noteUnhandledKeys } from './notes';
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

const EFFORTS: Readonly<Record<string, ReasoningEffort>> = {
  minimal: 'minimal',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
  max: 'xhigh',
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
  const reader = new ChatReader(model, notes);

  const request: BridgeRequest = {
    model,
    messages: arrayAt(body.messages, 'messages').map((message, i) =>
      reader.message(message, `messages[${i}]`),
    ),
    stream: optionalBoolean(body.stream, 'stream') ?? false,
  };
  const tools = optionalArray(body.tools, 'tools')?.map((tool, i) =>
    reader.tool(tool, `tools[${i}]`),
  );
  if (tools) request.tools = tools;
  reader.toolChoice(body.tool_choice, request);
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
  reader.responseFormat(body.response_format, request);
  reader.reasoningEffort(body.reasoning_effort, request);
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

class ChatReader {
  constructor(
    private readonly model: string,
    private readonly notes: BridgeNotes,
  ) {}

  message(value: unknown, path: string): BridgeMessage {
    const message = recordAt(value, path);
    const role = stringAt(message.role, `${path}.role`);
    const contentPath = `${path}.content`;
    switch (role) {
      case 'system':
      case 'developer':
        noteUnhandledKeys(
          message,
          ['role', 'content'],
          this.notes,
          'messages[]',
        );
        return {
          role: 'system',
          kind: role,
          content: this.textContent(message.content, contentPath),
        };
      case 'user':
        noteUnhandledKeys(
          message,
          ['role', 'content'],
          this.notes,
          'messages[]',
        );
        return {
          role: 'user',
          content: this.userContent(message.content, contentPath),
        };
      case 'assistant':
        return this.assistant(message, path);
      case 'tool':
        noteUnhandledKeys(
          message,
          ['role', 'content', 'tool_call_id'],
          this.notes,
          'messages[]',
        );
        return {
          role: 'tool',
          toolCallId: stringAt(message.tool_call_id, `${path}.tool_call_id`),
          content: this.textContent(message.content, contentPath),
        };
      case 'function':
        throw notCarried(
          `${path}.role`,
          this.model,
          'chat',
          'legacy function messages (they carry no call id; send tool messages)',
        );
      default:
        throw new UntranslatableError(`${path}.role`, `unknown role "${role}"`);
    }
  }

  /** A string or text parts (system, developer and tool messages). */
  private textContent(value: unknown, path: string): TextPart[] {
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

  private userContent(
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
            this.model,
            'chat',
            `${String(part.type)} content parts`,
          );
      }
    });
  }

  /** Content may be null beside tool calls; a `refusal` is kept as text. */
  private assistant(message: Json, path: string): BridgeMessage {
    for (const key of ['audio', 'function_call']) {
      if (isSet(message[key])) {
        throw notCarried(
          `${path}.${key}`,
          this.model,
          'chat',
          key === 'audio' ? 'audio answers' : 'legacy function calls',
        );
      }
    }
    noteUnhandledKeys(
      message,
      ['role', 'content', 'tool_calls', 'refusal'],
      this.notes,
      'messages[]',
    );
    const content: Array<TextPart | ToolCallPart> = [];
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
    optionalArray(message.tool_calls, `${path}.tool_calls`)?.forEach(
      (item, i) =>
        content.push(this.toolCall(item, `${path}.tool_calls[${i}]`)),
    );
    return { role: 'assistant', content };
  }

  /** The id is what the tool message answers: a call without one is refused. */
  private toolCall(value: unknown, path: string): ToolCallPart {
    const call = recordAt(value, path);
    if (isSet(call.type) && call.type !== 'function') {
      throw notCarried(
        `${path}.type`,
        this.model,
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

  /** A function without `parameters` takes none: an empty object schema. */
  tool(value: unknown, path: string): BridgeTool {
    const tool = recordAt(value, path);
    if (tool.type !== 'function') {
      throw notCarried(path, this.model, 'chat', `${String(tool.type)} tools`);
    }
    const fnPath = `${path}.function`;
    const fn = recordAt(tool.function, fnPath);
    noteUnhandledKeys(
      fn,
      ['name', 'description', 'parameters', 'strict'],
      this.notes,
      'tools[].function',
    );
    return functionTool(fn, fnPath);
  }

  toolChoice(value: unknown, request: BridgeRequest): void {
    if (!isSet(value)) return;
    const named = namedToolChoice(value);
    if (named) {
      request.toolChoice = named;
      return;
    }
    const choice = recordAt(value, 'tool_choice');
    if (choice.type === 'function') {
      const fn = recordAt(choice.function, 'tool_choice.function');
      request.toolChoice = {
        type: 'tool',
        name: stringAt(fn.name, 'tool_choice.function.name'),
      };
      return;
    }
    throw notCarried(
      'tool_choice',
      this.model,
      'chat',
      `tool choice of type ${String(choice.type)}`,
    );
  }

  responseFormat(value: unknown, request: BridgeRequest): void {
    const format = optionalRecord(value, 'response_format');
    if (!format || format.type === 'text') return;
    if (format.type === 'json_object') {
      request.responseFormat = { type: 'json_object' };
      return;
    }
    if (format.type !== 'json_schema') {
      throw new UntranslatableError(
        'response_format.type',
        `unknown response format "${String(format.type)}"`,
      );
    }
    const path = 'response_format.json_schema';
    const schema = recordAt(format.json_schema, path);
    noteUnhandledKeys(schema, ['name', 'schema', 'strict'], this.notes, path);
    request.responseFormat = {
      type: 'json_schema',
      name: optionalString(schema.name, `${path}.name`) ?? 'output',
      schema: optionalRecord(schema.schema, `${path}.schema`) ?? {},
    };
    const strict = optionalBoolean(schema.strict, `${path}.strict`);
    if (strict !== undefined) request.responseFormat.strict = strict;
  }

  reasoningEffort(value: unknown, request: BridgeRequest): void {
    const effort = optionalString(value, 'reasoning_effort');
    if (effort === undefined) return;
    if (effort === 'none') {
      request.reasoning = { enabled: false };
      return;
    }
    if (!EFFORTS[effort]) {
      throw new UntranslatableError(
        'reasoning_effort',
        `unknown reasoning effort "${effort}"`,
      );
    }
    request.reasoning = { enabled: true, effort: EFFORTS[effort] };
  }
}
