import type {
  BridgeUsage,
  FinishReason,
  Json,
  SseEvent,
  StreamPart,
  StreamReader,
} from '../../ir';
import { fromChatFinishReason, mergeFinishReasons } from '../finish-reasons';
import {
  numberOf,
  objectOf,
  objectsOf,
  parseObject,
  textOf,
} from '../json-fields';
import { argumentsText } from '../tool-arguments';
import { readChatUsage } from '../usage';
import {
  fallbackCallId,
  reasoningTextOf,
  streamError,
} from './chat-answer-fields';
import {
  deferredBlock,
  type CallState,
  type Deferred,
  type OpenBlock,
} from './chat-stream-state';

/**
 * Copilot's `/chat/completions` stream, event by event, as bridge parts.
 *
 * Chat has no block boundaries, so the reader makes them: a change of kind (reasoning,
 * text, a tool call) ends the open block and starts the next. A tool call streams
 * live once its id and name are known; while it is open, anything else — another
 * call's deltas (parallel calls may interleave), text, reasoning — is kept and
 * emitted, in arrival order, when the answer ends. The `finish` part waits for
 * `[DONE]` (or the end of the stream): `finish_reason`, `usage` and `copilot_usage`
 * may come in separate chunks, in any order, and blocks may follow a choice's
 * `finish_reason` when Copilot splits the answer over several choices.
 */
export class ChatStreamReader implements StreamReader {
  private started = false;
  private done = false;
  private open: OpenBlock | undefined;
  private blockCount = 0;
  /** Calls by order of appearance (0, 1, …), the bridge's own index. */
  private readonly calls = new Map<number, CallState>();
  /** Upstream `index` → the call it currently stands for. */
  private readonly slots = new Map<number, number>();
  private deferred: Deferred[] = [];
  /** A signature that came after its reasoning block had closed. */
  private lateSignature: string | undefined;
  private reason: FinishReason | undefined;
  private usage: BridgeUsage | undefined;
  private copilotUsage: unknown;
  private answerId: string | undefined;
  private model: string | undefined;

  push(event: SseEvent): StreamPart[] {
    if (this.done) return [];
    if (event.data.trim() === '[DONE]') return this.finish();
    const chunk = parseObject(event.data);
    if (!chunk) return [];
    const out: StreamPart[] = [];
    const error = objectOf(chunk.error);
    if (error || event.event === 'error') {
      this.done = true;
      out.push(streamError(error ?? chunk));
      return out;
    }
    this.answerId ??= textOf(chunk.id);
    this.model ??= textOf(chunk.model);
    const usage = readChatUsage(chunk.usage);
    if (usage) this.usage = usage;
    if (chunk.copilot_usage !== undefined)
      this.copilotUsage = chunk.copilot_usage;
    const choices = objectsOf(chunk.choices);
    // Copilot's first event (`"choices":[]`, `prompt_filter_results`) names no model.
    if (choices.length > 0 || this.model !== undefined) this.start(out);
    for (const choice of choices) {
      const delta = objectOf(choice.delta);
      if (delta) this.readDelta(delta, out);
      this.reason = mergeFinishReasons(
        this.reason,
        fromChatFinishReason(choice.finish_reason),
      );
    }
    return out;
  }

  end(): StreamPart[] {
    return this.done ? [] : this.finish();
  }

  private start(out: StreamPart[]): void {
    if (this.started) return;
    this.started = true;
    out.push({
      type: 'start',
      ...(this.answerId !== undefined && { id: this.answerId }),
      ...(this.model !== undefined && { model: this.model }),
    });
  }

  private readDelta(delta: Json, out: StreamPart[]): void {
    const reasoning = reasoningTextOf(delta);
    if (reasoning !== undefined) this.reasoningDelta(reasoning, out);
    const signature = textOf(delta.reasoning_opaque);
    if (signature !== undefined) this.signature(signature, out);
    const content = textOf(delta.content);
    if (content !== undefined) this.textDelta(content, out);
    for (const call of objectsOf(delta.tool_calls)) this.callDelta(call, out);
  }

  /** An open tool call, or calls and text waiting for one, hold everything else back. */
  private blocked(): boolean {
    return this.open?.kind === 'call' || this.deferred.length > 0;
  }

  private reasoningDelta(text: string, out: StreamPart[]): void {
    if (this.blocked()) {
      const last = this.deferred.at(-1);
      if (last?.kind === 'reasoning' && last.signature === undefined)
        last.text += text;
      else this.deferred.push({ kind: 'reasoning', text });
      return;
    }
    if (this.open?.kind !== 'reasoning') {
      this.closeOpen(out);
      this.open = { kind: 'reasoning', id: `reasoning-${this.blockCount++}` };
      out.push({ type: 'reasoning-start', id: this.open.id });
    }
    out.push({ type: 'reasoning-delta', id: this.open.id, delta: text });
  }

  /**
   * `reasoning_opaque` ends the reasoning it signs. It may come with the first
   * text or tool call, or only at the end; signing a block already closed is
   * impossible, so it then becomes an empty reasoning block after the others.
   */
  private signature(signature: string, out: StreamPart[]): void {
    if (this.open?.kind === 'reasoning') {
      out.push({ type: 'reasoning-end', id: this.open.id, signature });
      this.open = undefined;
      return;
    }
    const last = this.deferred.at(-1);
    if (last?.kind === 'reasoning' && last.signature === undefined) {
      last.signature = signature;
      return;
    }
    if (this.open === undefined && !this.blocked()) {
      const id = `reasoning-${this.blockCount++}`;
      out.push({ type: 'reasoning-start', id });
      out.push({ type: 'reasoning-end', id, signature });
      return;
    }
    this.lateSignature = signature;
  }

  private textDelta(text: string, out: StreamPart[]): void {
    if (this.blocked()) {
      const last = this.deferred.at(-1);
      if (last?.kind === 'text') last.text += text;
      else this.deferred.push({ kind: 'text', text });
      return;
    }
    if (this.open?.kind !== 'text') {
      this.closeOpen(out);
      this.open = { kind: 'text', id: `text-${this.blockCount++}` };
      out.push({ type: 'text-start', id: this.open.id });
    }
    out.push({ type: 'text-delta', id: this.open.id, delta: text });
  }

  private callDelta(delta: Json, out: StreamPart[]): void {
    const id = textOf(delta.id);
    const index = this.slotOf(numberOf(delta.index) ?? 0, id);
    const call = this.calls.get(index)!;
    const fn = objectOf(delta.function);
    call.id ??= id;
    call.name ??= textOf(fn?.name);
    const args = argumentsText(fn?.arguments);
    if (this.open?.kind === 'call' && this.open.index === index) {
      if (args !== '') {
        out.push({
          type: 'tool-call-delta',
          id: this.callId(index),
          delta: args,
        });
      }
      return;
    }
    call.args += args;
    const head = this.deferred[0];
    const queued = this.deferred.some(
      (entry) => entry.kind === 'call' && entry.index === index,
    );
    const identified = call.id !== undefined && call.name !== undefined;
    if (!queued && !this.blocked() && identified) {
      this.startCall(index, out);
    } else if (!queued) {
      this.deferred.push({ kind: 'call', index });
    } else if (
      head?.kind === 'call' &&
      head.index === index &&
      this.open?.kind !== 'call' &&
      identified
    ) {
      // The first call waited only for its name (or id): it may stream now.
      this.deferred.shift();
      this.startCall(index, out);
    }
  }

  /**
   * The call a delta belongs to: its `index`, unless it brings another id than
   * the call at that index has (servers that send every call as index 0, or
   * none), which makes it a new call.
   */
  private slotOf(upstreamIndex: number, id: string | undefined): number {
    const slot = this.slots.get(upstreamIndex);
    const known = slot === undefined ? undefined : this.calls.get(slot)?.id;
    if (
      slot !== undefined &&
      (id === undefined || known === undefined || known === id)
    )
      return slot;
    const next = this.calls.size;
    this.slots.set(upstreamIndex, next);
    this.calls.set(next, { args: '', started: false });
    return next;
  }

  private callId(index: number): string {
    const call = this.calls.get(index);
    call!.id ??= fallbackCallId(this.answerId, index);
    return call!.id;
  }

  private startCall(index: number, out: StreamPart[]): void {
    this.closeOpen(out);
    const call = this.calls.get(index)!;
    const id = this.callId(index);
    call.started = true;
    this.open = { kind: 'call', index };
    out.push({ type: 'tool-call-start', id, name: call.name ?? '' });
    if (call.args !== '') {
      out.push({ type: 'tool-call-delta', id, delta: call.args });
    }
  }

  private closeOpen(out: StreamPart[]): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    if (open.kind === 'call') {
      out.push({ type: 'tool-call-end', id: this.callId(open.index) });
    } else {
      out.push({
        type: open.kind === 'text' ? 'text-end' : 'reasoning-end',
        id: open.id,
      });
    }
  }

  private finish(): StreamPart[] {
    const out: StreamPart[] = [];
    this.start(out);
    this.closeOpen(out);
    const deferred = this.deferred;
    this.deferred = [];
    for (const entry of deferred) {
      if (entry.kind === 'call') {
        this.startCall(entry.index, out);
        this.closeOpen(out);
        continue;
      }
      out.push(...deferredBlock(entry, `${entry.kind}-${this.blockCount++}`));
    }
    if (this.lateSignature !== undefined) {
      const id = `reasoning-${this.blockCount++}`;
      out.push({ type: 'reasoning-start', id });
      out.push({ type: 'reasoning-end', id, signature: this.lateSignature });
    }
    this.done = true;
    out.push({
      type: 'finish',
      reason: this.reason ?? (this.calls.size > 0 ? 'tool-calls' : 'stop'),
      ...(this.usage && { usage: this.usage }),
      ...(this.copilotUsage !== undefined && {
        copilotUsage: this.copilotUsage,
      }),
    });
    return out;
  }
}
