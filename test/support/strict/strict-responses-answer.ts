import { randomBytes } from 'node:crypto';
import { newId } from '../fake-inference';
import { responsesPlan } from '../fake-turns';
import {
  AnswerContext,
  event,
  pieces,
  THOUGHT,
  WHITESPACE,
} from './strict-answer-kit';
import { isObject, Json } from './strict-refusals';
import {
  copilotUsage,
  datedModel,
  itemId,
  opaque,
  responseId,
} from './strict-wire';

const TEXT = 'Hello from the strict fake.';

type Event = Json & { type: string };

/** The output items, ids aside (each event mints its own, R9). */
function outputOf(ctx: AnswerContext): Json[] {
  const plan = responsesPlan(ctx.body);
  const items: Json[] = [];
  const reasoning = ctx.body.reasoning;
  if (isObject(reasoning)) {
    const summarized =
      typeof reasoning.summary === 'string' && reasoning.summary !== 'none';
    const include = Array.isArray(ctx.body.include) ? ctx.body.include : [];
    items.push({
      type: 'reasoning',
      summary: summarized ? [{ type: 'summary_text', text: THOUGHT }] : [],
      ...(include.includes('reasoning.encrypted_content') && {
        encrypted_content: ctx.issue(
          'encrypted_content',
          opaque('gAAAAAB'),
          summarized ? THOUGHT : '',
        ),
      }),
    });
  }
  const text = plan.text ?? (plan.calls.length > 0 ? undefined : TEXT);
  if (text !== undefined)
    items.push({
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', annotations: [], logprobs: [], text }],
    });
  for (const call of plan.calls)
    items.push({
      type: 'function_call',
      status: 'completed',
      arguments: ctx.marked('STRICT_WHITESPACE') ? WHITESPACE : call.arguments,
      call_id: newId('call_'),
      name: call.name,
    });
  return items;
}

/** An item with a fresh id (R9: every event, and `response.completed.output[i]`, its own). */
const withId = (item: Json): Json => ({ id: itemId(), ...item });

/** The events of one output item; every one carries a fresh id. */
function itemEvents(item: Json, output_index: number): Event[] {
  const events: Event[] = [];
  const at = () => ({ item_id: itemId(), output_index });
  if (item.type === 'reasoning') {
    events.push({
      type: 'response.output_item.added',
      output_index,
      item: withId({ ...item, summary: [] }),
    });
    const summary = item.summary as Array<{ text: string }>;
    summary.forEach(({ text }, summary_index) => {
      const part = (t: string) => ({ type: 'summary_text', text: t });
      events.push({
        type: 'response.reasoning_summary_part.added',
        ...at(),
        summary_index,
        part: part(''),
      });
      for (const delta of pieces(text, 2))
        events.push({
          type: 'response.reasoning_summary_text.delta',
          ...at(),
          summary_index,
          delta,
        });
      events.push({
        type: 'response.reasoning_summary_text.done',
        ...at(),
        summary_index,
        text,
      });
      events.push({
        type: 'response.reasoning_summary_part.done',
        ...at(),
        summary_index,
        part: part(text),
      });
    });
  } else if (item.type === 'message') {
    const text = (item.content as Array<{ text: string }>)[0].text;
    const part = (t: string) => ({
      type: 'output_text',
      annotations: [],
      logprobs: [],
      text: t,
    });
    events.push({
      type: 'response.output_item.added',
      output_index,
      item: withId({ ...item, status: 'in_progress', content: [] }),
    });
    events.push({
      type: 'response.content_part.added',
      ...at(),
      content_index: 0,
      part: part(''),
    });
    for (const delta of pieces(text, 2))
      events.push({
        type: 'response.output_text.delta',
        ...at(),
        content_index: 0,
        delta,
        logprobs: [],
      });
    events.push({
      type: 'response.output_text.done',
      ...at(),
      content_index: 0,
      text,
      logprobs: [],
    });
    events.push({
      type: 'response.content_part.done',
      ...at(),
      content_index: 0,
      part: part(text),
    });
  } else {
    const args = String(item.arguments);
    events.push({
      type: 'response.output_item.added',
      output_index,
      item: withId({ ...item, status: 'in_progress', arguments: '' }),
    });
    for (const delta of pieces(args))
      events.push({
        type: 'response.function_call_arguments.delta',
        ...at(),
        delta,
      });
    events.push({
      type: 'response.function_call_arguments.done',
      ...at(),
      arguments: args,
    });
  }
  events.push({
    type: 'response.output_item.done',
    output_index,
    item: withId(item),
  });
  return events;
}

/**
 * `POST /responses` as Copilot answers it (§9.2, R9, R15, R16, R17): a 320-character
 * response id; item ids of ~408 characters, a different one on EVERY event of an
 * item and in `response.completed.output` (only `output_index` is stable);
 * `service_tier: "priority"`, a hashed `safety_identifier`, the dated `model`, no
 * `store`/`metadata`/`error`/`user`/`background`/`completed_at`; `copilot_usage`
 * beside `response` on `response.completed` (beside `usage` when not streamed).
 * With `reasoning` in the body, a reasoning item first: a summary when
 * `reasoning.summary` is set, `encrypted_content` (remembered) when `include` asks
 * for `reasoning.encrypted_content`. Streams carry `sequence_number` unless
 * {@link StrictAnswerSettings.sequenceNumbers} is off or the body says
 * `STRICT_NO_SEQ`; the fast path (`fastPath` or `STRICT_FAST_PATH`) sends only
 * `response.created`, `response.in_progress` and `response.completed`. The marker
 * `STRICT_WHITESPACE` makes tool-call arguments a whitespace flood that ends in
 * `response.incomplete` (G16).
 */
export function responsesAnswer(ctx: AnswerContext): void {
  const items = outputOf(ctx);
  const reasoning = isObject(ctx.body.reasoning)
    ? ctx.body.reasoning
    : undefined;
  const base = {
    id: responseId(),
    object: 'response',
    created_at: 1764000000,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: ctx.body.max_output_tokens ?? null,
    model: datedModel(ctx.model),
    output_text: null,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: {
      effort: reasoning?.effort ?? 'none',
      summary: reasoning?.summary ?? null,
    },
    safety_identifier: randomBytes(32).toString('hex'),
    service_tier: 'priority',
    temperature: 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: ctx.body.tool_choice ?? 'auto',
    tools: Array.isArray(ctx.body.tools) ? ctx.body.tools : [],
    top_p: 1,
    truncation: 'disabled',
  };
  const usage = {
    input_tokens: 30,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 12,
    output_tokens_details: { reasoning_tokens: reasoning ? 8 : 0 },
    total_tokens: 42,
  };
  const billing = copilotUsage(30, 12);
  // G16: a whitespace flood ends incomplete, at the token limit.
  const flood = ctx.marked('STRICT_WHITESPACE');
  const completed = () => ({
    ...base,
    status: flood ? 'incomplete' : 'completed',
    incomplete_details: flood ? { reason: 'max_output_tokens' } : null,
    output: items.map(withId),
    usage,
  });
  if (ctx.body.stream !== true)
    return ctx.json({ ...completed(), copilot_usage: billing });
  const started = { ...base, status: 'in_progress', output: [], usage: null };
  const events: Event[] = [
    { type: 'response.created', response: started },
    { type: 'response.in_progress', response: started },
  ];
  if (!(ctx.settings.fastPath || ctx.marked('STRICT_FAST_PATH')))
    items.forEach((item, i) => events.push(...itemEvents(item, i)));
  events.push({
    type: flood ? 'response.incomplete' : 'response.completed',
    response: completed(),
    copilot_usage: billing,
  });
  const numbered = ctx.settings.sequenceNumbers && !ctx.marked('STRICT_NO_SEQ');
  ctx.stream(
    events.map(
      ({ type, ...rest }, sequence_number) =>
        () =>
          event(
            type,
            numbered ? { type, sequence_number, ...rest } : { type, ...rest },
          ),
    ),
  );
}
