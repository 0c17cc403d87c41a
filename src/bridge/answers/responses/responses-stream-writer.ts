import type {
  BridgeUsage,
  FinishReason,
  Json,
  StreamPart,
  StreamWriter,
} from '../../ir';
import { jsonEvent } from '../../../http/sse';
import type { WriterContext } from '../writer-context';
import {
  callItem,
  encryptedOf,
  endFields,
  messageItem,
  reasoningItem,
  type OpenItem,
  responseObject,
  textPart,
} from './responses-items';

/**
 * Bridge parts as a Responses stream: `response.created`, `response.in_progress`,
 * then per block one output item — `output_item.added`, its content events
 * (message: `content_part.added`, `output_text.delta`*, `output_text.done`,
 * `content_part.done`; reasoning: `reasoning_summary_part.added`,
 * `reasoning_summary_text.delta`*, `…text.done`, `…part.done`; function call:
 * `function_call_arguments.delta`*, `…arguments.done`), `output_item.done` with
 * the whole item — then `response.completed` (or `response.incomplete` for a
 * length or content-filter stop) with every item and the usage. Every event has
 * `type` and an increasing `sequence_number`. Codex shows nothing without
 * `output_item.done` and retries without `response.completed`, so both are always
 * written on success, whatever parts came. An error is `response.failed` with
 * `error {code, message}`: what Codex reads (it ignores a bare `error` event,
 * and the OpenAI SDK raises neither).
 */
export class ResponsesStreamWriter implements StreamWriter {
  private started = false;
  private closed = false;
  private sequence = 0;
  private fields = { id: '', createdAt: 0, model: '' };
  private readonly output: Json[] = [];
  private open: OpenItem | undefined;

  constructor(private readonly context: WriterContext) {
    this.fields.model = context.model;
  }

  write(part: StreamPart): string {
    if (this.closed) return '';
    switch (part.type) {
      case 'start':
        return this.start(part.model);
      case 'text-start':
        return this.ensure('message', part.id);
      case 'text-delta':
        return this.textDelta(part.id, part.delta);
      case 'text-end':
        return this.open?.blockId === part.id ? this.closeOpen() : '';
      case 'reasoning-start':
        return this.ensure('reasoning', part.id);
      case 'reasoning-delta':
        return this.reasoningDelta(part.id, part.delta);
      case 'reasoning-end':
        return (
          this.ensure('reasoning', part.id) + this.closeOpen(encryptedOf(part))
        );
      case 'tool-call-start':
        return this.ensure('call', part.id, part.name);
      case 'tool-call-delta':
        return this.callDelta(part.id, part.delta);
      case 'tool-call-end':
        return this.open?.blockId === part.id ? this.closeOpen() : '';
      case 'finish':
        return this.finish(part);
      case 'error':
        return this.error(part);
    }
  }

  end(): string {
    return this.closed ? '' : this.finish({ reason: 'other' });
  }

  private start(model?: string): string {
    if (this.started) return '';
    this.started = true;
    if (model !== undefined) this.fields.model = model;
    this.fields.id = this.context.ids.next('resp_');
    this.fields.createdAt = this.context.ids.now();
    const response = responseObject(this.fields, 'in_progress', []);
    return (
      this.event('response.created', { response }) +
      this.event('response.in_progress', { response })
    );
  }

  /** Opens an item for block `blockId` unless it is the open one. */
  private ensure(kind: OpenItem['kind'], blockId: string, name = ''): string {
    if (this.open?.kind === kind && this.open.blockId === blockId) return '';
    let out = this.start() + this.closeOpen();
    const index = this.output.length;
    const { ids } = this.context;
    if (kind === 'message') {
      const itemId = ids.next('msg_');
      this.open = { kind, blockId, itemId, index, text: '' };
      out += this.event('response.output_item.added', {
        output_index: index,
        item: messageItem(itemId, 'in_progress', []),
      });
      out += this.event('response.content_part.added', {
        item_id: itemId,
        output_index: index,
        content_index: 0,
        part: textPart(''),
      });
    } else if (kind === 'reasoning') {
      const itemId = ids.next('rs_');
      this.open = { kind, blockId, itemId, index, text: '' };
      out += this.event('response.output_item.added', {
        output_index: index,
        item: reasoningItem(itemId, '', {}),
      });
    } else {
      const itemId = ids.next('fc_');
      this.open = { kind, blockId, itemId, index, name, args: '' };
      out += this.event('response.output_item.added', {
        output_index: index,
        item: callItem(
          itemId,
          'in_progress',
          { id: blockId, name, arguments: '' },
          this.context,
        ),
      });
    }
    return out;
  }

  private textDelta(blockId: string, delta: string): string {
    const out = this.ensure('message', blockId);
    const open = this.open as Extract<OpenItem, { kind: 'message' }>;
    if (delta === '') return out;
    open.text += delta;
    return (
      out +
      this.event('response.output_text.delta', {
        item_id: open.itemId,
        output_index: open.index,
        content_index: 0,
        delta,
      })
    );
  }

  private reasoningDelta(blockId: string, delta: string): string {
    let out = this.ensure('reasoning', blockId);
    const open = this.open as Extract<OpenItem, { kind: 'reasoning' }>;
    if (delta === '') return out;
    if (open.text === '') {
      out += this.event('response.reasoning_summary_part.added', {
        item_id: open.itemId,
        output_index: open.index,
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      });
    }
    open.text += delta;
    return (
      out +
      this.event('response.reasoning_summary_text.delta', {
        item_id: open.itemId,
        output_index: open.index,
        summary_index: 0,
        delta,
      })
    );
  }

  private callDelta(blockId: string, delta: string): string {
    const open = this.open;
    if (open?.kind !== 'call' || open.blockId !== blockId || delta === '')
      return '';
    open.args += delta;
    return this.argumentsDelta(open, delta);
  }

  private argumentsDelta(
    open: Extract<OpenItem, { kind: 'call' }>,
    delta: string,
  ): string {
    return this.event('response.function_call_arguments.delta', {
      item_id: open.itemId,
      output_index: open.index,
      delta,
    });
  }

  /** Ends the open item with its `*.done` events; `token` is a reasoning's encrypted content. */
  private closeOpen(token: Json = {}): string {
    const open = this.open;
    if (!open) return '';
    this.open = undefined;
    const where = { item_id: open.itemId, output_index: open.index };
    let out = '';
    let item: Json;
    if (open.kind === 'message') {
      const part = textPart(open.text);
      out += this.event('response.output_text.done', {
        ...where,
        content_index: 0,
        text: open.text,
      });
      out += this.event('response.content_part.done', {
        ...where,
        content_index: 0,
        part,
      });
      item = messageItem(open.itemId, 'completed', [part]);
    } else if (open.kind === 'reasoning') {
      if (open.text !== '') {
        const summary = { ...where, summary_index: 0 };
        out += this.event('response.reasoning_summary_text.done', {
          ...summary,
          text: open.text,
        });
        out += this.event('response.reasoning_summary_part.done', {
          ...summary,
          part: { type: 'summary_text', text: open.text },
        });
      }
      item = reasoningItem(open.itemId, open.text, token);
    } else {
      if (open.args.trim() === '') {
        out += this.argumentsDelta(open, '{}');
        open.args += '{}';
      }
      out += this.event('response.function_call_arguments.done', {
        ...where,
        arguments: open.args,
      });
      item = callItem(
        open.itemId,
        'completed',
        { id: open.blockId, name: open.name, arguments: open.args },
        this.context,
      );
    }
    this.output.push(item);
    return (
      out +
      this.event('response.output_item.done', {
        output_index: open.index,
        item,
      })
    );
  }

  private finish(part: {
    reason: FinishReason;
    usage?: BridgeUsage;
    copilotUsage?: unknown;
  }): string {
    const out = this.start() + this.closeOpen();
    this.closed = true;
    const end = endFields(part);
    const type =
      end.status === 'completed' ? 'response.completed' : 'response.incomplete';
    return (
      out +
      this.event(type, {
        response: responseObject(
          this.fields,
          end.status,
          this.output,
          end.rest,
        ),
      })
    );
  }

  /** The items already done stay in the failed response; the open one is dropped. */
  private error(part: Extract<StreamPart, { type: 'error' }>): string {
    const out = this.start();
    this.closed = true;
    this.open = undefined;
    return (
      out +
      this.event('response.failed', {
        response: responseObject(this.fields, 'failed', this.output, {
          error: { code: part.code ?? 'server_error', message: part.message },
        }),
      })
    );
  }

  private event(type: string, data: Json): string {
    return jsonEvent(type, { type, sequence_number: this.sequence++, ...data });
  }
}
