import type {
  BridgeAnswer,
  BridgeUsage,
  FinishReason,
  Json,
  StreamPart,
  StreamWriter,
} from '../ir';
import { formatEvent, jsonEvent } from '../../http/sse';
import { carriedToken } from '../requests/reasoning-carrier';
import { openAiErrorType, streamErrorStatus } from './error-types';
import { toChatFinishReason } from './finish-reasons';
import { argumentsJson } from './tool-arguments';
import { toChatUsage } from './usage';
import type { WriterContext } from './writer-context';

/**
 * The reasoning's opaque token for a Chat client: Copilot's own field,
 * `reasoning_opaque` (what a client of Copilot's Chat API already sends back),
 * whichever upstream made it; Responses reasoning packed with its item id.
 */
function opaqueOf(
  part: { signature?: string; encrypted?: string },
  itemId: string | undefined,
): string | undefined {
  return carriedToken(part, itemId);
}

/**
 * A whole answer as a Chat Completions response. Ids: a new `chatcmpl-…`; tool
 * call ids as they came (Responses `call_id`). Reasoning goes in Copilot's
 * `reasoning_text`/`reasoning_opaque` message fields, which OpenAI SDKs ignore.
 */
export function writeChatAnswer(
  answer: BridgeAnswer,
  context: WriterContext,
): Json {
  let text = '';
  let reasoning = '';
  let opaque: string | undefined;
  const toolCalls: Json[] = [];
  for (const part of answer.content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'reasoning') {
      reasoning += part.text;
      opaque ??= opaqueOf(part, part.id);
    } else {
      toolCalls.push({
        id: part.id,
        type: 'function',
        function: { name: part.name, arguments: argumentsJson(part.arguments) },
      });
    }
  }
  return {
    id: context.ids.next('chatcmpl-'),
    object: 'chat.completion',
    created: context.ids.now(),
    model: answer.model ?? context.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' ? null : text,
          ...(reasoning !== '' && { reasoning_text: reasoning }),
          ...(opaque !== undefined && { reasoning_opaque: opaque }),
          ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
        },
        finish_reason: toChatFinishReason(answer.finishReason),
        logprobs: null,
      },
    ],
    ...(answer.usage && { usage: toChatUsage(answer.usage) }),
    ...(answer.copilotUsage !== undefined && {
      copilot_usage: answer.copilotUsage,
    }),
  };
}

/**
 * Bridge parts as a Chat Completions stream: a first chunk with
 * `role: "assistant"`, text as `delta.content`, each tool call as
 * `delta.tool_calls[{index, id, type, function: {name, arguments: ""}}]` then
 * argument deltas under the same `index` (tool calls counted from 0), one chunk
 * with `finish_reason`, the usage chunk (`choices: []`) when the client asked and
 * the upstream gave usage, then `data: [DONE]` — all written at `finish`, so
 * `end()` then owes nothing. A tool call that streamed no arguments gets `{}`.
 * An error is OpenAI's `data: {"error":{…}}` (the SDKs raise it) with no `[DONE]`.
 */
export class ChatStreamWriter implements StreamWriter {
  private started = false;
  private closed = false;
  private id: string | undefined;
  private created = 0;
  private model: string;
  private nextToolIndex = 0;
  private openCall: { id: string; index: number; args: string } | undefined;

  constructor(private readonly context: WriterContext) {
    this.model = context.model;
  }

  write(part: StreamPart): string {
    if (this.closed) return '';
    switch (part.type) {
      case 'start':
        return this.start(part.model);
      case 'text-delta':
        return part.delta === ''
          ? this.start()
          : this.start() + this.chunk({ content: part.delta });
      case 'reasoning-delta':
        return part.delta === ''
          ? this.start()
          : this.start() + this.chunk({ reasoning_text: part.delta });
      case 'reasoning-end': {
        const opaque = opaqueOf(part, part.itemId);
        return opaque === undefined
          ? this.start()
          : this.start() + this.chunk({ reasoning_opaque: opaque });
      }
      case 'tool-call-start':
        return this.startCall(part.id, part.name);
      case 'tool-call-delta':
        return this.callDelta(part.id, part.delta);
      case 'tool-call-end':
        return this.openCall?.id === part.id ? this.closeCall() : '';
      case 'finish':
        return this.finish(part);
      case 'error':
        return this.error(part);
      default:
        // Block starts and text ends have no Chat counterpart.
        return this.start();
    }
  }

  end(): string {
    return this.closed ? '' : this.finish({ reason: 'other' });
  }

  private start(model?: string): string {
    if (this.started) return '';
    this.started = true;
    if (model !== undefined) this.model = model;
    this.id = this.context.ids.next('chatcmpl-');
    this.created = this.context.ids.now();
    return this.chunk({ role: 'assistant', content: '' });
  }

  private startCall(id: string, name: string): string {
    const out = this.start() + this.closeCall();
    const index = this.nextToolIndex++;
    this.openCall = { id, index, args: '' };
    return (
      out +
      this.chunk({
        tool_calls: [
          { index, id, type: 'function', function: { name, arguments: '' } },
        ],
      })
    );
  }

  private callDelta(id: string, delta: string): string {
    const call = this.openCall;
    if (call?.id !== id || delta === '') return '';
    call.args += delta;
    return this.argumentsChunk(call.index, delta);
  }

  private closeCall(): string {
    const call = this.openCall;
    if (!call) return '';
    this.openCall = undefined;
    return call.args.trim() === '' ? this.argumentsChunk(call.index, '{}') : '';
  }

  private argumentsChunk(index: number, args: string): string {
    return this.chunk({
      tool_calls: [{ index, function: { arguments: args } }],
    });
  }

  private finish(part: {
    reason: FinishReason;
    usage?: BridgeUsage;
    copilotUsage?: unknown;
  }): string {
    let out = this.start() + this.closeCall();
    this.closed = true;
    out += this.chunk({}, toChatFinishReason(part.reason));
    if (this.context.includeUsage && part.usage) {
      out += jsonEvent(undefined, {
        ...this.envelope(),
        choices: [],
        usage: toChatUsage(part.usage),
        ...(part.copilotUsage !== undefined && {
          copilot_usage: part.copilotUsage,
        }),
      });
    }
    return out + formatEvent(undefined, '[DONE]');
  }

  private error(part: Extract<StreamPart, { type: 'error' }>): string {
    this.closed = true;
    const status = streamErrorStatus(part);
    return jsonEvent(undefined, {
      error: {
        message: part.message,
        type: openAiErrorType(status),
        code: part.code ?? null,
      },
    });
  }

  private envelope() {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
    };
  }

  private chunk(delta: Json, finishReason: string | null = null): string {
    return jsonEvent(undefined, {
      ...this.envelope(),
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    });
  }
}
