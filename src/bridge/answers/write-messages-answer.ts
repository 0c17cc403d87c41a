import type {
  BridgeAnswer,
  BridgeUsage,
  FinishReason,
  Json,
  StreamPart,
  StreamWriter,
} from '../ir';
import { jsonEvent } from '../../http/sse';
import { carriedToken } from '../requests/reasoning-carrier';
import { anthropicErrorType, streamErrorStatus } from './error-types';
import { toAnthropicStopReason } from './finish-reasons';
import { argumentsObject } from './tool-arguments';
import { toAnthropicUsage } from './usage';
import type { WriterContext } from './writer-context';

/**
 * The opaque token that lets the model take its reasoning back: Anthropic clients
 * keep it in `signature`, whichever upstream made it (Copilot Chat's
 * `reasoning_opaque`; Responses' `encrypted_content` packed with its item id),
 * and send it back there.
 */
function signatureOf(
  part: { signature?: string; encrypted?: string },
  itemId: string | undefined,
): string {
  return carriedToken(part, itemId) ?? '';
}

function usageOrZero(usage: BridgeUsage | undefined) {
  return toAnthropicUsage(
    usage ?? { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 },
  );
}

/**
 * A whole answer as an Anthropic Messages response. The id is always a new
 * `msg_…` (the upstream's is a Chat or Responses id); tool call ids are kept as
 * they came, since the client sends them back in `tool_result.tool_use_id`.
 */
export function writeMessagesAnswer(
  answer: BridgeAnswer,
  context: WriterContext,
): Json {
  const content: Json[] = [];
  for (const part of answer.content) {
    if (part.type === 'text') {
      // Anthropic refuses empty text blocks when a client sends them back.
      if (part.text !== '') content.push({ type: 'text', text: part.text });
    } else if (part.type === 'reasoning') {
      content.push({
        type: 'thinking',
        thinking: part.text,
        signature: signatureOf(part, part.id),
      });
    } else {
      content.push({
        type: 'tool_use',
        id: part.id,
        name: part.name,
        input: argumentsObject(part.arguments),
      });
    }
  }
  return {
    id: context.ids.next('msg_'),
    type: 'message',
    role: 'assistant',
    model: answer.model ?? context.model,
    content,
    stop_reason: toAnthropicStopReason(answer.finishReason),
    stop_sequence: answer.stopSequence ?? null,
    usage: usageOrZero(answer.usage),
    ...(answer.copilotUsage !== undefined && {
      copilot_usage: answer.copilotUsage,
    }),
  };
}

type OpenBlock =
  | { kind: 'text' | 'reasoning'; id: string; index: number }
  | { kind: 'call'; id: string; index: number; args: string };

/**
 * Bridge parts as an Anthropic Messages stream: `message_start`, one
 * `content_block_start` → `content_block_delta`* → `content_block_stop` run per
 * block with increasing `index`, `message_delta`, `message_stop`. Any part
 * sequence gives valid grammar: a block part without its start opens the block, a
 * new block closes the open one, `finish` closes what is open. Thinking blocks end
 * with a `signature_delta` (empty when the upstream gave none); a tool call that
 * streamed no arguments gets `{}` so every client's accumulated JSON parses.
 * Usage is only known at the end: `message_start` carries zeros (or what `start`
 * knew), `message_delta` the whole count.
 */
export class MessagesStreamWriter implements StreamWriter {
  private started = false;
  private closed = false;
  private open: OpenBlock | undefined;
  private nextIndex = 0;
  private model: string;

  constructor(private readonly context: WriterContext) {
    this.model = context.model;
  }

  write(part: StreamPart): string {
    if (this.closed) return '';
    switch (part.type) {
      case 'start':
        return this.start(part.model, part.usage);
      case 'text-start':
      case 'text-delta':
      case 'text-end':
        return this.textPart(part);
      case 'reasoning-start':
      case 'reasoning-delta':
      case 'reasoning-end':
        return this.reasoningPart(part);
      case 'tool-call-start':
      case 'tool-call-delta':
      case 'tool-call-end':
        return this.callPart(part);
      case 'finish':
        return this.finish(part);
      case 'error':
        return this.error(part);
    }
  }

  end(): string {
    return this.closed ? '' : this.finish({ reason: 'other' });
  }

  private start(model?: string, usage?: Partial<BridgeUsage>): string {
    if (this.started) return '';
    this.started = true;
    if (model !== undefined) this.model = model;
    const input = (usage?.inputTokens ?? 0) - (usage?.cachedInputTokens ?? 0);
    return this.event('message_start', {
      message: {
        id: this.context.ids.next('msg_'),
        type: 'message',
        role: 'assistant',
        model: this.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: Math.max(0, input),
          output_tokens: 0,
          ...(usage?.cachedInputTokens !== undefined && {
            cache_read_input_tokens: usage.cachedInputTokens,
          }),
        },
      },
    });
  }

  private textPart(
    part: Extract<StreamPart, { type: `text-${string}` }>,
  ): string {
    let out = '';
    if (this.open?.kind !== 'text' || this.open.id !== part.id) {
      if (part.type === 'text-end') return '';
      out += this.openBlock(
        { kind: 'text', id: part.id },
        { type: 'text', text: '' },
      );
    }
    if (part.type === 'text-delta' && part.delta !== '') {
      out += this.delta({ type: 'text_delta', text: part.delta });
    } else if (part.type === 'text-end') {
      out += this.closeOpen();
    }
    return out;
  }

  private reasoningPart(
    part: Extract<StreamPart, { type: `reasoning-${string}` }>,
  ): string {
    let out = '';
    if (this.open?.kind !== 'reasoning' || this.open.id !== part.id) {
      out += this.openBlock(
        { kind: 'reasoning', id: part.id },
        { type: 'thinking', thinking: '', signature: '' },
      );
    }
    if (part.type === 'reasoning-delta' && part.delta !== '') {
      out += this.delta({ type: 'thinking_delta', thinking: part.delta });
    } else if (part.type === 'reasoning-end') {
      out += this.closeOpen(signatureOf(part, part.itemId));
    }
    return out;
  }

  private callPart(
    part: Extract<StreamPart, { type: `tool-call-${string}` }>,
  ): string {
    let out = '';
    if (this.open?.kind !== 'call' || this.open.id !== part.id) {
      if (part.type !== 'tool-call-start') return '';
      out += this.openBlock(
        { kind: 'call', id: part.id, args: '' },
        { type: 'tool_use', id: part.id, name: part.name, input: {} },
      );
    }
    const open = this.open as Extract<OpenBlock, { kind: 'call' }>;
    if (part.type === 'tool-call-delta' && part.delta !== '') {
      open.args += part.delta;
      out += this.delta({ type: 'input_json_delta', partial_json: part.delta });
    } else if (part.type === 'tool-call-end') {
      out += this.closeOpen();
    }
    return out;
  }

  private openBlock(
    block:
      | { kind: 'text' | 'reasoning'; id: string }
      | { kind: 'call'; id: string; args: string },
    contentBlock: Json,
  ): string {
    const out = this.start() + this.closeOpen();
    const index = this.nextIndex++;
    this.open = { ...block, index };
    return (
      out +
      this.event('content_block_start', { index, content_block: contentBlock })
    );
  }

  private delta(delta: Json): string {
    return this.event('content_block_delta', {
      index: this.open!.index,
      delta,
    });
  }

  /** Closes the open block; a thinking block gets its signature, a silent tool call `{}`. */
  private closeOpen(signature = ''): string {
    const open = this.open;
    if (!open) return '';
    let out = '';
    if (open.kind === 'reasoning') {
      out += this.delta({ type: 'signature_delta', signature });
    } else if (open.kind === 'call' && open.args.trim() === '') {
      out += this.delta({ type: 'input_json_delta', partial_json: '{}' });
    }
    this.open = undefined;
    return out + this.event('content_block_stop', { index: open.index });
  }

  private finish(part: {
    reason: FinishReason;
    stopSequence?: string;
    usage?: BridgeUsage;
    copilotUsage?: unknown;
  }): string {
    const out = this.start() + this.closeOpen();
    this.closed = true;
    const usage = part.usage
      ? toAnthropicUsage(part.usage)
      : { output_tokens: 0 };
    return (
      out +
      this.event('message_delta', {
        delta: {
          stop_reason: toAnthropicStopReason(part.reason),
          stop_sequence: part.stopSequence ?? null,
        },
        usage,
        ...(part.copilotUsage !== undefined && {
          copilot_usage: part.copilotUsage,
        }),
      }) +
      this.event('message_stop', {})
    );
  }

  /** Anthropic's mid-stream error event; the SDKs raise it as an APIError. Nothing follows. */
  private error(part: Extract<StreamPart, { type: 'error' }>): string {
    this.closed = true;
    return this.event('error', {
      error: {
        type: anthropicErrorType(streamErrorStatus(part)),
        message: part.message,
      },
    });
  }

  private event(type: string, data: Json): string {
    return jsonEvent(type, { type, ...data });
  }
}
