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
  type ToolChoice,
} from '../ir';
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
import { noteIgnored, noteUnhandledKeys } from './notes';
import { readThinkingSignature } from './reasoning-carrier';
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
  const reader = new MessagesReader(model, notes);

  const request: BridgeRequest = {
    model,
    messages: [
      ...reader.system(body.system),
      ...arrayAt(body.messages, 'messages').flatMap((message, i) =>
        reader.message(message, `messages[${i}]`),
      ),
    ],
    stream: optionalBoolean(body.stream, 'stream') ?? false,
  };
  const tools = optionalArray(body.tools, 'tools')?.map((tool, i) =>
    reader.tool(tool, `tools[${i}]`),
  );
  if (tools) request.tools = tools;
  reader.toolChoice(body.tool_choice, request);
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
  reader.reasoningAndFormat(body.thinking, body.output_config, request);
  reader.metadata(body.metadata, request);
  return request;
}

function setIfDefined<K extends keyof BridgeRequest>(
  request: BridgeRequest,
  key: K,
  value: BridgeRequest[K] | undefined,
): void {
  if (value !== undefined) request[key] = value;
}

/** Claude Code's billing line and the blank line after it. */
const BILLING_HEADER = /^x-anthropic-billing-header:[^\n]*(?:\n\s*)?/;

const EFFORTS: Readonly<Record<string, ReasoningEffort>> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
  /** Anthropic's level above `xhigh`; OpenAI's highest is `xhigh`. */
  max: 'xhigh',
};

class MessagesReader {
  constructor(
    private readonly model: string,
    private readonly notes: BridgeNotes,
  ) {}

  /**
   * The top-level `system`: one system message, its blocks kept in order.
   * Claude Code starts it with an `x-anthropic-billing-header: …` line, which
   * means nothing to another vendor and which Copilot refuses outside its
   * Anthropic endpoint ("x-anthropic-billing-header is a reserved keyword and
   * may not be used in the system prompt", ericc-ch/copilot-api#174): that
   * line is taken out and noted.
   */
  system(value: unknown): BridgeMessage[] {
    if (!isSet(value)) return [];
    const content = this.textContent(value, 'system').flatMap((part) => {
      const text = this.withoutBillingHeader(part.text);
      return text === '' ? [] : [{ ...part, text }];
    });
    return content.length > 0
      ? [{ role: 'system', kind: 'system', content }]
      : [];
  }

  private withoutBillingHeader(text: string): string {
    if (!BILLING_HEADER.test(text)) return text;
    noteIgnored(this.notes, 'x-anthropic-billing-header');
    return text.replace(BILLING_HEADER, '');
  }

  message(value: unknown, path: string): BridgeMessage[] {
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
            content: this.textContent(message.content, contentPath),
          },
        ];
      case 'user':
        return this.user(message.content, contentPath);
      case 'assistant':
        return [
          {
            role: 'assistant',
            content: this.assistant(message.content, contentPath),
          },
        ];
      default:
        throw new UntranslatableError(
          `${path}.role`,
          `unknown role "${role}" (Anthropic has user, assistant and system)`,
        );
    }
  }

  /** A string or text blocks (system prompts, tool results). */
  private textContent(value: unknown, path: string): TextPart[] {
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
      return this.text(block, blockPath);
    });
  }

  private text(block: Json, path: string): TextPart {
    this.blockHints(block, ['type', 'text'], 'text');
    return { type: 'text', text: stringAt(block.text, `${path}.text`) };
  }

  /** `cache_control` and `citations` are named once each, other keys by block type. */
  private blockHints(block: Json, handled: string[], kind: string): void {
    if (isSet(block.cache_control)) noteIgnored(this.notes, 'cache_control');
    if (isSet(block.citations)) noteIgnored(this.notes, 'citations');
    noteUnhandledKeys(
      block,
      [...handled, 'cache_control', 'citations'],
      this.notes,
      kind,
    );
  }

  /**
   * A user turn. Anthropic requires tool results first in the turn; they
   * become tool messages ahead of a user message with the turn's other blocks.
   */
  private user(value: unknown, path: string): BridgeMessage[] {
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
          content.push(this.text(block, blockPath));
          return;
        case 'image':
          content.push(this.image(block, blockPath));
          return;
        case 'tool_result':
          results.push(this.toolResult(block, blockPath));
          return;
        default:
          throw this.unknownBlock(block, blockPath);
      }
    });
    return content.length > 0
      ? [...results, { role: 'user', content }]
      : results;
  }

  private image(block: Json, path: string): ImagePart {
    this.blockHints(block, ['type', 'source'], 'image');
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
          this.model,
          'messages',
          `image source of type ${String(source.type)} (Anthropic Files)`,
        );
    }
  }

  private toolResult(block: Json, path: string): BridgeMessage {
    this.blockHints(
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
        if (part.type === 'text') return this.text(part, partPath);
        if (part.type === 'image') return this.image(part, partPath);
        throw this.unknownBlock(part, partPath);
      });
    }
    const message: BridgeMessage = { role: 'tool', toolCallId, content };
    if (optionalBoolean(block.is_error, `${path}.is_error`)) {
      message.isError = true;
    }
    return message;
  }

  private assistant(
    value: unknown,
    path: string,
  ): Array<TextPart | ReasoningPart | ToolCallPart> {
    if (typeof value === 'string') return [{ type: 'text', text: value }];
    return arrayAt(value, path).map((item, i) => {
      const blockPath = `${path}[${i}]`;
      const block = recordAt(item, blockPath);
      switch (block.type) {
        case 'text':
          return this.text(block, blockPath);
        case 'thinking':
          return this.thinking(block, blockPath);
        case 'redacted_thinking':
          this.blockHints(block, ['type', 'data'], 'redacted_thinking');
          return {
            type: 'reasoning',
            text: '',
            redacted: stringAt(block.data, `${blockPath}.data`),
          };
        case 'tool_use':
          return this.toolUse(block, blockPath);
        default:
          throw this.unknownBlock(block, blockPath);
      }
    });
  }

  /** A signature packed from a Responses reasoning item is unpacked back. */
  private thinking(block: Json, path: string): ReasoningPart {
    this.blockHints(block, ['type', 'thinking', 'signature'], 'thinking');
    const part: ReasoningPart = {
      type: 'reasoning',
      text: stringAt(block.thinking, `${path}.thinking`),
    };
    const signature = optionalString(block.signature, `${path}.signature`);
    if (signature) Object.assign(part, readThinkingSignature(signature));
    return part;
  }

  /** `input` is an object; Chat and Responses carry its JSON text. */
  private toolUse(block: Json, path: string): ToolCallPart {
    this.blockHints(block, ['type', 'id', 'name', 'input'], 'tool_use');
    const input = isSet(block.input)
      ? recordAt(block.input, `${path}.input`)
      : {};
    return {
      type: 'tool-call',
      id: stringAt(block.id, `${path}.id`),
      name: stringAt(block.name, `${path}.name`),
      arguments: JSON.stringify(input),
    };
  }

  private unknownBlock(block: Json, path: string): UntranslatableError {
    return notCarried(
      path,
      this.model,
      'messages',
      `${String(block.type)} block`,
    );
  }

  /** A custom tool; server tools (`web_search_…`, `bash_…`, …) run only at Anthropic. */
  tool(value: unknown, path: string): BridgeTool {
    const tool = recordAt(value, path);
    if (isSet(tool.type) && tool.type !== 'custom') {
      throw notCarried(
        path,
        this.model,
        'messages',
        `server tool ${String(tool.type)} (it runs only on Anthropic's servers)`,
      );
    }
    if (isSet(tool.cache_control)) noteIgnored(this.notes, 'cache_control');
    noteUnhandledKeys(
      tool,
      [
        'type',
        'name',
        'description',
        'input_schema',
        'strict',
        'cache_control',
      ],
      this.notes,
      'tools[]',
    );
    const result: BridgeTool = {
      name: stringAt(tool.name, `${path}.name`),
      parameters: recordAt(tool.input_schema, `${path}.input_schema`),
    };
    const description = optionalString(tool.description, `${path}.description`);
    if (description !== undefined) result.description = description;
    const strict = optionalBoolean(tool.strict, `${path}.strict`);
    if (strict !== undefined) result.strict = strict;
    return result;
  }

  toolChoice(value: unknown, request: BridgeRequest): void {
    const choice = optionalRecord(value, 'tool_choice');
    if (!choice) return;
    const disableParallel = optionalBoolean(
      choice.disable_parallel_tool_use,
      'tool_choice.disable_parallel_tool_use',
    );
    if (disableParallel) request.parallelToolCalls = false;
    let toolChoice: ToolChoice;
    switch (choice.type) {
      case 'auto':
        toolChoice = { type: 'auto' };
        break;
      case 'none':
        toolChoice = { type: 'none' };
        break;
      case 'any':
        toolChoice = { type: 'required' };
        break;
      case 'tool':
        toolChoice = {
          type: 'tool',
          name: stringAt(choice.name, 'tool_choice.name'),
        };
        break;
      default:
        throw new UntranslatableError(
          'tool_choice.type',
          `unknown tool choice "${String(choice.type)}" (auto, any, tool or none)`,
        );
    }
    request.toolChoice = toolChoice;
  }

  /**
   * `thinking` and `output_config`. Enabled or adaptive thinking asks for
   * reasoning the client will show, so it also asks for a reasoning summary
   * (`auto`) unless `display` is `omitted`; `max` effort is read as `xhigh`.
   */
  reasoningAndFormat(
    thinkingValue: unknown,
    configValue: unknown,
    request: BridgeRequest,
  ): void {
    const thinking = optionalRecord(thinkingValue, 'thinking');
    const config = optionalRecord(configValue, 'output_config');
    const reasoning: NonNullable<BridgeRequest['reasoning']> = {
      enabled: true,
    };
    if (thinking) {
      noteUnhandledKeys(
        thinking,
        ['type', 'budget_tokens', 'display'],
        this.notes,
        'thinking',
      );
      switch (thinking.type) {
        case 'enabled': {
          const budget = optionalNumber(
            thinking.budget_tokens,
            'thinking.budget_tokens',
          );
          if (budget !== undefined) reasoning.budgetTokens = budget;
          break;
        }
        case 'adaptive':
        case 'between_tools':
          break;
        case 'disabled':
          reasoning.enabled = false;
          break;
        default:
          throw new UntranslatableError(
            'thinking.type',
            `unknown thinking type "${String(thinking.type)}"`,
          );
      }
      const display = optionalString(thinking.display, 'thinking.display');
      if (reasoning.enabled && display !== 'omitted')
        reasoning.summary = 'auto';
    }
    if (config) {
      noteUnhandledKeys(
        config,
        ['effort', 'format'],
        this.notes,
        'output_config',
      );
      const effort = optionalString(config.effort, 'output_config.effort');
      if (effort !== undefined) {
        if (!EFFORTS[effort]) {
          throw new UntranslatableError(
            'output_config.effort',
            `unknown effort "${effort}" (low, medium, high, xhigh or max)`,
          );
        }
        reasoning.effort = EFFORTS[effort];
      }
      const format = optionalRecord(config.format, 'output_config.format');
      if (format) {
        if (format.type !== 'json_schema') {
          throw new UntranslatableError(
            'output_config.format.type',
            `unknown output format "${String(format.type)}" (json_schema)`,
          );
        }
        request.responseFormat = {
          type: 'json_schema',
          name: 'output',
          schema: recordAt(format.schema, 'output_config.format.schema'),
        };
      }
    }
    if (thinking || reasoning.effort !== undefined)
      request.reasoning = reasoning;
  }

  metadata(value: unknown, request: BridgeRequest): void {
    const metadata = optionalRecord(value, 'metadata');
    if (!metadata) return;
    const user = optionalString(metadata.user_id, 'metadata.user_id');
    if (user !== undefined) request.user = user;
    noteUnhandledKeys(metadata, ['user_id'], this.notes, 'metadata');
  }
}
