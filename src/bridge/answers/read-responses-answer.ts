import type {
  AnswerPart,
  BridgeAnswer,
  FinishReason,
  Json,
  SseEvent,
  StreamPart,
  StreamReader,
} from '../ir';
import { fromResponsesIncomplete } from './finish-reasons';
import {
  numberOf,
  objectOf,
  objectsOf,
  parseObject,
  stringOf,
  textOf,
} from './json-fields';
import { argumentsText } from './tool-arguments';
import { readResponsesUsage } from './usage';

/** Summary parts of one reasoning item read as one text, a blank line apart. */
const SUMMARY_SEPARATOR = '\n\n';

/** The readable text of a reasoning item: its summary, else its raw reasoning content. */
function reasoningText(item: Json): string {
  const summary = objectsOf(item.summary).map((part) => stringOf(part.text));
  const content = objectsOf(item.content).map((part) => stringOf(part.text));
  const texts = (summary.length > 0 ? summary : content).filter(
    (text): text is string => text !== undefined && text !== '',
  );
  return texts.join(SUMMARY_SEPARATOR);
}

/** The text of a message content part (`output_text`, or a `refusal` read as text). */
function partText(part: Json): string | undefined {
  if (part.type === 'output_text') return stringOf(part.text);
  if (part.type === 'refusal') return stringOf(part.refusal);
  return undefined;
}

/** The parts of `output` items; kinds the bridge cannot carry (hosted tool calls) are skipped. */
function outputParts(output: unknown): AnswerPart[] {
  const parts: AnswerPart[] = [];
  for (const item of objectsOf(output)) {
    if (item.type === 'message') {
      for (const part of objectsOf(item.content)) {
        const text = partText(part);
        if (text) parts.push({ type: 'text', text });
      }
    } else if (item.type === 'reasoning') {
      const encrypted = textOf(item.encrypted_content);
      const id = textOf(item.id);
      parts.push({
        type: 'reasoning',
        text: reasoningText(item),
        ...(encrypted !== undefined && { encrypted }),
        ...(id !== undefined && { id }),
      });
    } else if (item.type === 'function_call') {
      parts.push({
        type: 'tool-call',
        id: stringOf(item.call_id) ?? stringOf(item.id) ?? '',
        name: stringOf(item.name) ?? '',
        arguments: argumentsText(item.arguments),
      });
    }
  }
  return parts;
}

/**
 * How a finished response ended. Responses has no "stopped to call tools": a
 * completed response with a function call reads as `tool-calls` (what Chat and
 * Anthropic clients expect); `failed` reads as `error` (the caller should answer
 * an error rather than this answer).
 */
function finishOf(response: Json, sawCall: boolean): FinishReason {
  if (response.status === 'failed') return 'error';
  if (response.status === 'incomplete') {
    return fromResponsesIncomplete(
      objectOf(response.incomplete_details)?.reason,
    );
  }
  return sawCall ? 'tool-calls' : 'stop';
}

/** A whole `/responses` answer. */
export function readResponsesAnswer(body: Json): BridgeAnswer {
  const content = outputParts(body.output);
  const id = textOf(body.id);
  const model = textOf(body.model);
  const usage = readResponsesUsage(body.usage);
  return {
    ...(id !== undefined && { id }),
    ...(model !== undefined && { model }),
    content,
    finishReason: finishOf(
      body,
      content.some((part) => part.type === 'tool-call'),
    ),
    ...(usage && { usage }),
    ...(body.copilot_usage !== undefined && {
      copilotUsage: body.copilot_usage,
    }),
  };
}

interface OpenItem {
  kind: 'message' | 'reasoning' | 'call' | 'other';
  outputIndex: number | undefined;
  /** The bridge block id (`tool-call` blocks use the call id). */
  id: string;
  /** A text block is open inside a message item. */
  textOpen: boolean;
  /** Text (or arguments, or reasoning) came by delta. */
  sawDelta: boolean;
  /** The last reasoning summary index seen, to put a blank line between parts. */
  summaryIndex: number | undefined;
}

/**
 * Copilot's `/responses` stream, event by event, as bridge parts. Items come one
 * after another (`output_index` increasing); they are matched by `output_index`,
 * never by `item_id`, which Copilot changes from one event to the next. Text
 * missing from the deltas but present in a `*.done` event is emitted there. A
 * stream that ends without `response.completed`/`incomplete`/`failed` ends in an
 * error: Responses clients treat such a stream as failed (Codex retries it).
 */
export class ResponsesStreamReader implements StreamReader {
  private started = false;
  private done = false;
  private open: OpenItem | undefined;
  private blockCount = 0;
  private itemCount = 0;
  private sawCall = false;

  push(event: SseEvent): StreamPart[] {
    if (this.done) return [];
    const data = parseObject(event.data);
    if (!data) return [];
    const type = stringOf(data.type) ?? event.event;
    const out: StreamPart[] = [];
    switch (type) {
      case 'response.created':
      case 'response.in_progress':
      case 'response.queued':
        this.start(objectOf(data.response), out);
        break;
      case 'response.output_item.added':
        this.addItem(data, out);
        break;
      case 'response.content_part.added':
        this.partAdded(data, out);
        break;
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        this.textDelta(data, out);
        break;
      case 'response.output_text.done':
        this.textDone(data, out, false);
        break;
      case 'response.content_part.done':
        this.textDone(data, out, true);
        break;
      case 'response.reasoning_summary_part.added':
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        this.reasoningDelta(type, data, out);
        break;
      case 'response.function_call_arguments.delta':
        this.argumentsDelta(stringOf(data.delta), data, out);
        break;
      case 'response.function_call_arguments.done':
        if (
          this.matches(data) &&
          this.open?.kind === 'call' &&
          !this.open.sawDelta
        )
          this.argumentsDelta(stringOf(data.arguments), data, out);
        break;
      case 'response.output_item.done':
        this.itemDone(data, out);
        break;
      case 'response.completed':
      case 'response.incomplete':
        this.complete(data, out);
        break;
      case 'response.failed': {
        const error = objectOf(objectOf(data.response)?.error);
        this.fail(error ?? {}, 'The upstream response failed', out);
        break;
      }
      case 'error':
        this.fail(
          objectOf(data.error) ?? data,
          'The upstream stream failed',
          out,
        );
        break;
    }
    return out;
  }

  end(): StreamPart[] {
    if (this.done) return [];
    const out: StreamPart[] = [];
    this.fail(
      {},
      'The upstream stream ended before the response was complete',
      out,
    );
    return out;
  }

  private start(response: Json | undefined, out: StreamPart[]): void {
    if (this.started) return;
    this.started = true;
    const id = textOf(response?.id);
    const model = textOf(response?.model);
    out.push({
      type: 'start',
      ...(id !== undefined && { id }),
      ...(model !== undefined && { model }),
    });
  }

  /** The event belongs to the open item (events without `output_index` are taken as its). */
  private matches(data: Json): boolean {
    const index = numberOf(data.output_index);
    return (
      this.open !== undefined &&
      (index === undefined ||
        this.open.outputIndex === undefined ||
        index === this.open.outputIndex)
    );
  }

  private addItem(data: Json, out: StreamPart[]): void {
    const item = objectOf(data.item) ?? {};
    this.start(undefined, out);
    this.closeItem(out);
    this.itemCount++;
    const outputIndex = numberOf(data.output_index);
    const base = {
      outputIndex,
      textOpen: false,
      sawDelta: false,
      summaryIndex: undefined,
    };
    if (item.type === 'function_call') {
      this.sawCall = true;
      const id =
        stringOf(item.call_id) ?? `call_${outputIndex ?? this.itemCount}`;
      this.open = { ...base, kind: 'call', id };
      out.push({
        type: 'tool-call-start',
        id,
        name: stringOf(item.name) ?? '',
      });
      const args = argumentsText(item.arguments);
      if (args !== '') {
        this.open.sawDelta = true;
        out.push({ type: 'tool-call-delta', id, delta: args });
      }
    } else if (item.type === 'reasoning') {
      const id = `reasoning-${this.blockCount++}`;
      this.open = { ...base, kind: 'reasoning', id };
      out.push({ type: 'reasoning-start', id });
    } else {
      const kind = item.type === 'message' ? 'message' : 'other';
      this.open = { ...base, kind, id: '' };
    }
  }

  private openText(out: StreamPart[]): void {
    const open = this.open!;
    if (open.textOpen) return;
    open.textOpen = true;
    open.sawDelta = false;
    open.id = `text-${this.blockCount++}`;
    out.push({ type: 'text-start', id: open.id });
  }

  private closeText(out: StreamPart[]): void {
    const open = this.open;
    if (!open?.textOpen) return;
    open.textOpen = false;
    out.push({ type: 'text-end', id: open.id });
  }

  private partAdded(data: Json, out: StreamPart[]): void {
    if (!this.matches(data) || this.open?.kind !== 'message') return;
    this.closeText(out);
    this.openText(out);
  }

  private textDelta(data: Json, out: StreamPart[]): void {
    if (!this.matches(data) || this.open?.kind !== 'message') return;
    const delta = stringOf(data.delta);
    if (!delta) return;
    this.openText(out);
    this.open.sawDelta = true;
    out.push({ type: 'text-delta', id: this.open.id, delta });
  }

  /** `output_text.done` and `content_part.done` carry the whole text: used when no delta did. */
  private textDone(data: Json, out: StreamPart[], closes: boolean): void {
    const open = this.open;
    if (!this.matches(data) || open?.kind !== 'message') return;
    const part = objectOf(data.part);
    const text = closes ? part && partText(part) : stringOf(data.text);
    if (text && !(open.textOpen && open.sawDelta)) {
      this.openText(out);
      open.sawDelta = true;
      out.push({ type: 'text-delta', id: open.id, delta: text });
    }
    if (closes) this.closeText(out);
  }

  private reasoningDelta(type: string, data: Json, out: StreamPart[]): void {
    const open = this.open;
    if (!this.matches(data) || open?.kind !== 'reasoning') return;
    const index =
      numberOf(data.summary_index) ?? numberOf(data.content_index) ?? 0;
    const delta =
      type === 'response.reasoning_summary_part.added'
        ? ''
        : (stringOf(data.delta) ?? '');
    if (open.summaryIndex !== undefined && index !== open.summaryIndex) {
      if (open.sawDelta)
        out.push({
          type: 'reasoning-delta',
          id: open.id,
          delta: SUMMARY_SEPARATOR,
        });
    }
    open.summaryIndex = index;
    if (delta === '') return;
    open.sawDelta = true;
    out.push({ type: 'reasoning-delta', id: open.id, delta });
  }

  private argumentsDelta(
    delta: string | undefined,
    data: Json,
    out: StreamPart[],
  ): void {
    if (!this.matches(data) || this.open?.kind !== 'call' || !delta) return;
    this.open.sawDelta = true;
    out.push({ type: 'tool-call-delta', id: this.open.id, delta });
  }

  private itemDone(data: Json, out: StreamPart[]): void {
    const open = this.open;
    if (!open || !this.matches(data)) return;
    const item = objectOf(data.item) ?? {};
    if (open.kind === 'message') {
      this.closeText(out);
      // A message whose text came only whole, in this event.
      if (open.id === '') {
        for (const part of objectsOf(item.content)) {
          const text = partText(part);
          if (!text) continue;
          this.openText(out);
          out.push({ type: 'text-delta', id: open.id, delta: text });
          this.closeText(out);
        }
      }
    } else if (open.kind === 'reasoning') {
      const text = reasoningText(item);
      if (!open.sawDelta && text !== '')
        out.push({ type: 'reasoning-delta', id: open.id, delta: text });
    } else if (open.kind === 'call' && !open.sawDelta) {
      const args = argumentsText(item.arguments);
      if (args !== '')
        out.push({ type: 'tool-call-delta', id: open.id, delta: args });
    }
    this.closeItem(out, item);
  }

  /** Ends the open item; `item` is its `output_item.done` (for the reasoning's encrypted content). */
  private closeItem(out: StreamPart[], item?: Json): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    if (open.kind === 'message') {
      if (open.textOpen) out.push({ type: 'text-end', id: open.id });
    } else if (open.kind === 'reasoning') {
      const encrypted = textOf(item?.encrypted_content);
      out.push({
        type: 'reasoning-end',
        id: open.id,
        ...(encrypted !== undefined && { encrypted }),
      });
    } else if (open.kind === 'call') {
      out.push({ type: 'tool-call-end', id: open.id });
    }
  }

  private complete(data: Json, out: StreamPart[]): void {
    const response = objectOf(data.response) ?? {};
    this.start(response, out);
    this.closeItem(out);
    // A stream that sent no items but a complete response: its output, whole.
    if (this.itemCount === 0) {
      for (const part of outputParts(response.output)) {
        this.emitWhole(part, out);
      }
    }
    const usage = readResponsesUsage(response.usage);
    const copilotUsage = data.copilot_usage ?? response.copilot_usage;
    this.done = true;
    out.push({
      type: 'finish',
      reason: finishOf(response, this.sawCall),
      ...(usage && { usage }),
      ...(copilotUsage !== undefined && { copilotUsage }),
    });
  }

  private emitWhole(part: AnswerPart, out: StreamPart[]): void {
    if (part.type === 'tool-call') {
      this.sawCall = true;
      out.push({ type: 'tool-call-start', id: part.id, name: part.name });
      if (part.arguments !== '')
        out.push({
          type: 'tool-call-delta',
          id: part.id,
          delta: part.arguments,
        });
      out.push({ type: 'tool-call-end', id: part.id });
      return;
    }
    const kind = part.type;
    const id = `${kind}-${this.blockCount++}`;
    out.push({ type: `${kind}-start`, id });
    if (part.text !== '')
      out.push({ type: `${kind}-delta`, id, delta: part.text });
    if (part.type === 'reasoning' && part.encrypted !== undefined) {
      out.push({ type: 'reasoning-end', id, encrypted: part.encrypted });
    } else {
      out.push({ type: `${kind}-end`, id });
    }
  }

  private fail(error: Json, fallback: string, out: StreamPart[]): void {
    this.done = true;
    const code = textOf(error.code) ?? textOf(error.type);
    out.push({
      type: 'error',
      message: textOf(error.message) ?? fallback,
      ...(code !== undefined && { code }),
    });
  }
}
