import type { AnswerPart, Json, StreamPart } from '../../ir';
import {
  numberOf,
  objectOf,
  objectsOf,
  stringOf,
  textOf,
} from '../json-fields';
import { argumentsText } from '../tool-arguments';
import { partText, reasoningText, SUMMARY_SEPARATOR } from './responses-output';

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
 * The output items of a `/responses` stream as bridge blocks. Items come one
 * after another (`output_index` increasing); they are matched by
 * `output_index`, never by `item_id`, which Copilot changes from one event to
 * the next (R9).
 */
export class ResponsesItemReader {
  private open: OpenItem | undefined;
  private blockCount = 0;
  /** Output items seen. */
  itemCount = 0;
  /** A function call was among them. */
  sawCall = false;

  /** The event belongs to the open item (events without `output_index` are taken as its). */
  matches(data: Json): boolean {
    const index = numberOf(data.output_index);
    return (
      this.open !== undefined &&
      (index === undefined ||
        this.open.outputIndex === undefined ||
        index === this.open.outputIndex)
    );
  }

  addItem(data: Json, out: StreamPart[]): void {
    const item = objectOf(data.item) ?? {};
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

  partAdded(data: Json, out: StreamPart[]): void {
    if (!this.matches(data) || this.open?.kind !== 'message') return;
    this.closeText(out);
    this.openText(out);
  }

  textDelta(data: Json, out: StreamPart[]): void {
    if (!this.matches(data) || this.open?.kind !== 'message') return;
    const delta = stringOf(data.delta);
    if (!delta) return;
    this.openText(out);
    this.open.sawDelta = true;
    out.push({ type: 'text-delta', id: this.open.id, delta });
  }

  /** `output_text.done` and `content_part.done` carry the whole text: used when no delta did. */
  textDone(data: Json, out: StreamPart[], closes: boolean): void {
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

  reasoningDelta(type: string, data: Json, out: StreamPart[]): void {
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

  argumentsDelta(
    delta: string | undefined,
    data: Json,
    out: StreamPart[],
  ): void {
    if (!this.matches(data) || this.open?.kind !== 'call' || !delta) return;
    this.open.sawDelta = true;
    out.push({ type: 'tool-call-delta', id: this.open.id, delta });
  }

  /** `function_call_arguments.done`: the whole arguments, used when no delta came. */
  argumentsDone(data: Json, out: StreamPart[]): void {
    if (this.matches(data) && this.open?.kind === 'call' && !this.open.sawDelta)
      this.argumentsDelta(stringOf(data.arguments), data, out);
  }

  itemDone(data: Json, out: StreamPart[]): void {
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
  closeItem(out: StreamPart[], item?: Json): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    if (open.kind === 'message') {
      if (open.textOpen) out.push({ type: 'text-end', id: open.id });
    } else if (open.kind === 'reasoning') {
      // The id and encrypted content of the same event: only that pair replays (R9, R10).
      const encrypted = textOf(item?.encrypted_content);
      const itemId = textOf(item?.id);
      out.push({
        type: 'reasoning-end',
        id: open.id,
        ...(encrypted !== undefined && { encrypted }),
        ...(encrypted !== undefined && itemId !== undefined && { itemId }),
      });
    } else if (open.kind === 'call') {
      out.push({ type: 'tool-call-end', id: open.id });
    }
  }

  emitWhole(part: AnswerPart, out: StreamPart[]): void {
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
      out.push({
        type: 'reasoning-end',
        id,
        encrypted: part.encrypted,
        ...(part.id !== undefined && { itemId: part.id }),
      });
    } else {
      out.push({ type: `${kind}-end`, id });
    }
  }
}
