import type { Json, SseEvent, StreamPart, StreamReader } from '../../ir';
import { objectOf, parseObject, stringOf, textOf } from '../json-fields';
import { readResponsesUsage } from '../usage';
import { ResponsesItemReader } from './responses-item-reader';
import { finishOf, outputParts } from './responses-output';

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
  private readonly items = new ResponsesItemReader();

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
        this.start(undefined, out);
        this.items.addItem(data, out);
        break;
      case 'response.content_part.added':
        this.items.partAdded(data, out);
        break;
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        this.items.textDelta(data, out);
        break;
      case 'response.output_text.done':
        this.items.textDone(data, out, false);
        break;
      case 'response.content_part.done':
        this.items.textDone(data, out, true);
        break;
      case 'response.reasoning_summary_part.added':
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        this.items.reasoningDelta(type, data, out);
        break;
      case 'response.function_call_arguments.delta':
        this.items.argumentsDelta(stringOf(data.delta), data, out);
        break;
      case 'response.function_call_arguments.done':
        this.items.argumentsDone(data, out);
        break;
      case 'response.output_item.done':
        this.items.itemDone(data, out);
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

  private complete(data: Json, out: StreamPart[]): void {
    const response = objectOf(data.response) ?? {};
    this.start(response, out);
    this.items.closeItem(out);
    // A stream that sent no items but a complete response: its output, whole.
    if (this.items.itemCount === 0) {
      for (const part of outputParts(response.output)) {
        this.items.emitWhole(part, out);
      }
    }
    const usage = readResponsesUsage(response.usage);
    const copilotUsage = data.copilot_usage ?? response.copilot_usage;
    this.done = true;
    out.push({
      type: 'finish',
      reason: finishOf(response, this.items.sawCall),
      ...(usage && { usage }),
      ...(copilotUsage !== undefined && { copilotUsage }),
    });
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
