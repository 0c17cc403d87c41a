import {
  UntranslatableError,
  type BridgeMessage,
  type BridgeNotes,
  type BridgeRequest,
  type BridgeTool,
  type ImagePart,
  type Json,
  type ReasoningEffort,
  type ReasoningPart,
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
  stringAt,
} from './json-fields';
import { functionTool, namedToolChoice } from './function-tool';
import { noteIgnored, noteUnhandledKeys } from './notes';
import { notCarried } from './refusal';
import { flatToolName } from './tool-names';

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

/** Hosted tools the model may use but need not: left out, so Codex works on chat-only models. */
const OPTIONAL_HOSTED_TOOLS = /^web_search(_preview)?(_\d{4}_\d{2}_\d{2})?$/;

/** History items of a hosted search whose result the next assistant message already holds. */
const HARMLESS_ITEMS = new Set(['web_search_call']);

const EFFORTS: Readonly<Record<string, ReasoningEffort>> = {
  minimal: 'minimal',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
  max: 'xhigh',
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
  const reader = new ResponsesReader(model, notes);

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
      reader.item(item, `input[${i}]`, messages),
    );
  }

  const request: BridgeRequest = {
    model,
    messages,
    stream: optionalBoolean(body.stream, 'stream') ?? false,
  };
  const tools = optionalArray(body.tools, 'tools');
  if (tools) request.tools = reader.tools(tools);
  reader.toolChoice(body.tool_choice, request);
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
  reader.reasoning(body.reasoning, request);
  reader.text(body.text, request);
  const user = optionalString(body.user, 'user');
  if (user !== undefined) request.user = user;
  return request;
}

type AssistantContent = Extract<
  BridgeMessage,
  { role: 'assistant' }
>['content'];

class ResponsesReader {
  constructor(
    private readonly model: string,
    private readonly notes: BridgeNotes,
  ) {}

  /** Adds one input item; items may lack `type` (`{role, content}` is a message). */
  item(value: unknown, path: string, messages: BridgeMessage[]): void {
    const item = recordAt(value, path);
    const type = isSet(item.type)
      ? stringAt(item.type, `${path}.type`)
      : isSet(item.role)
        ? 'message'
        : undefined;
    switch (type) {
      case 'message':
        this.message(item, path, messages);
        return;
      case 'function_call':
        this.assistantTurn(messages).push(this.functionCall(item, path));
        return;
      case 'function_call_output':
        messages.push(this.functionCallOutput(item, path));
        return;
      case 'reasoning':
        this.assistantTurn(messages).push(this.reasoningItem(item, path));
        return;
      default:
        if (type !== undefined && HARMLESS_ITEMS.has(type)) {
          noteIgnored(this.notes, `input.${type}`);
          return;
        }
        throw notCarried(
          path,
          this.model,
          'responses',
          type === undefined
            ? 'input item without a type'
            : `${type} items in the conversation`,
        );
    }
  }

  /** The assistant turn the next assistant item joins. */
  private assistantTurn(messages: BridgeMessage[]): AssistantContent {
    const last = messages[messages.length - 1];
    if (last?.role === 'assistant') return last.content;
    const content: AssistantContent = [];
    messages.push({ role: 'assistant', content });
    return content;
  }

  private message(item: Json, path: string, messages: BridgeMessage[]): void {
    const role = stringAt(item.role, `${path}.role`);
    const contentPath = `${path}.content`;
    switch (role) {
      case 'system':
      case 'developer':
        messages.push({
          role: 'system',
          kind: role,
          content: this.textContent(item.content, contentPath),
        });
        return;
      case 'user':
        messages.push({
          role: 'user',
          content: this.userContent(item.content, contentPath),
        });
        return;
      case 'assistant':
        this.assistantTurn(messages).push(
          ...this.textContent(item.content, contentPath),
        );
        return;
      default:
        throw new UntranslatableError(`${path}.role`, `unknown role "${role}"`);
    }
  }

  /** Text of any kind: `input_text`, `output_text`, `refusal`. */
  private textContent(value: unknown, path: string): TextPart[] {
    if (typeof value === 'string') {
      return value === '' ? [] : [{ type: 'text', text: value }];
    }
    return arrayAt(value, path).map((item, i) => {
      const partPath = `${path}[${i}]`;
      const part = recordAt(item, partPath);
      const text = this.textPart(part, partPath);
      if (text === undefined) {
        throw new UntranslatableError(
          `${partPath}.type`,
          `only text can be carried here, not ${String(part.type)}`,
        );
      }
      return text;
    });
  }

  private textPart(part: Json, path: string): TextPart | undefined {
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

  private userContent(
    value: unknown,
    path: string,
  ): Array<TextPart | ImagePart> {
    if (typeof value === 'string') return [{ type: 'text', text: value }];
    return arrayAt(value, path).map((item, i) =>
      this.richPart(item, `${path}[${i}]`),
    );
  }

  /** A text or image part (user content, function outputs). */
  private richPart(value: unknown, path: string): TextPart | ImagePart {
    const part = recordAt(value, path);
    const text = this.textPart(part, path);
    if (text) return text;
    if (part.type === 'input_image') {
      if (!isSet(part.image_url)) {
        throw notCarried(
          isSet(part.file_id) ? `${path}.file_id` : path,
          this.model,
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
      this.model,
      'responses',
      `${String(part.type)} content parts`,
    );
  }

  /** `call_id` ties the output to the call; empty arguments become `{}`. */
  private functionCall(item: Json, path: string): ToolCallPart {
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

  private functionCallOutput(item: Json, path: string): BridgeMessage {
    const toolCallId = stringAt(item.call_id, `${path}.call_id`);
    const outputPath = `${path}.output`;
    let content: Array<TextPart | ImagePart>;
    if (typeof item.output === 'string') {
      content = item.output === '' ? [] : [{ type: 'text', text: item.output }];
    } else {
      content = arrayAt(item.output, outputPath).map((part, i) =>
        this.richPart(part, `${outputPath}[${i}]`),
      );
    }
    return { role: 'tool', toolCallId, content };
  }

  /** Summary texts, with the encrypted content only Responses can take back. */
  private reasoningItem(item: Json, path: string): ReasoningPart {
    const summary = optionalArray(item.summary, `${path}.summary`) ?? [];
    const text = summary
      .map((entry, i) => {
        const entryPath = `${path}.summary[${i}]`;
        return stringAt(recordAt(entry, entryPath).text, `${entryPath}.text`);
      })
      .join('\n\n');
    const part: ReasoningPart = { type: 'reasoning', text };
    const encrypted = optionalString(
      item.encrypted_content,
      `${path}.encrypted_content`,
    );
    if (encrypted !== undefined) part.encrypted = encrypted;
    const id = optionalString(item.id, `${path}.id`);
    if (id !== undefined) part.id = id;
    return part;
  }

  tools(list: unknown[]): BridgeTool[] {
    const tools: BridgeTool[] = [];
    list.forEach((value, i) => {
      const path = `tools[${i}]`;
      const tool = recordAt(value, path);
      const type = stringAt(tool.type, `${path}.type`);
      if (type === 'function') {
        tools.push(this.functionTool(tool, path));
      } else if (type === 'namespace') {
        const namespace = stringAt(tool.name, `${path}.name`);
        arrayAt(tool.tools, `${path}.tools`).forEach((inner, j) => {
          const innerPath = `${path}.tools[${j}]`;
          const fn = recordAt(inner, innerPath);
          if (fn.type !== 'function') {
            throw notCarried(
              innerPath,
              this.model,
              'responses',
              `${String(fn.type)} tools`,
            );
          }
          tools.push({ ...this.functionTool(fn, innerPath), namespace });
        });
      } else if (OPTIONAL_HOSTED_TOOLS.test(type)) {
        noteIgnored(this.notes, `tools.${type}`);
      } else {
        throw notCarried(path, this.model, 'responses', `${type} tools`);
      }
    });
    const seen = new Set<string>();
    tools.forEach((tool) => {
      const flat = flatToolName(tool.name, tool.namespace);
      if (seen.has(flat)) {
        throw new UntranslatableError(
          'tools',
          `two tools would both be called ${flat}`,
        );
      }
      seen.add(flat);
    });
    return tools;
  }

  /** No `parameters` means no arguments: an empty object schema. */
  private functionTool(tool: Json, path: string): BridgeTool {
    noteUnhandledKeys(
      tool,
      ['type', 'name', 'description', 'parameters', 'strict'],
      this.notes,
      'tools[]',
    );
    return functionTool(tool, path);
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
      request.toolChoice = {
        type: 'tool',
        name: stringAt(choice.name, 'tool_choice.name'),
      };
      return;
    }
    throw notCarried(
      'tool_choice',
      this.model,
      'responses',
      `tool choice of type ${String(choice.type)}`,
    );
  }

  reasoning(value: unknown, request: BridgeRequest): void {
    const reasoning = optionalRecord(value, 'reasoning');
    if (!reasoning) return;
    noteUnhandledKeys(
      reasoning,
      ['effort', 'summary', 'generate_summary'],
      this.notes,
      'reasoning',
    );
    const result: NonNullable<BridgeRequest['reasoning']> = { enabled: true };
    const effort = optionalString(reasoning.effort, 'reasoning.effort');
    if (effort === 'none') {
      result.enabled = false;
    } else if (effort !== undefined) {
      if (!EFFORTS[effort]) {
        throw new UntranslatableError(
          'reasoning.effort',
          `unknown reasoning effort "${effort}"`,
        );
      }
      result.effort = EFFORTS[effort];
    }
    const summary =
      optionalString(reasoning.summary, 'reasoning.summary') ??
      optionalString(reasoning.generate_summary, 'reasoning.generate_summary');
    if (summary !== undefined) result.summary = summary;
    request.reasoning = result;
  }

  text(value: unknown, request: BridgeRequest): void {
    const text = optionalRecord(value, 'text');
    if (!text) return;
    noteUnhandledKeys(text, ['format'], this.notes, 'text');
    const format = optionalRecord(text.format, 'text.format');
    if (!format || format.type === 'text') return;
    if (format.type === 'json_object') {
      request.responseFormat = { type: 'json_object' };
      return;
    }
    if (format.type !== 'json_schema') {
      throw new UntranslatableError(
        'text.format.type',
        `unknown text format "${String(format.type)}"`,
      );
    }
    noteUnhandledKeys(
      format,
      ['type', 'name', 'schema', 'strict'],
      this.notes,
      'text.format',
    );
    request.responseFormat = {
      type: 'json_schema',
      name: optionalString(format.name, 'text.format.name') ?? 'output',
      schema: recordAt(format.schema, 'text.format.schema'),
    };
    const strict = optionalBoolean(format.strict, 'text.format.strict');
    if (strict !== undefined) request.responseFormat.strict = strict;
  }
}
