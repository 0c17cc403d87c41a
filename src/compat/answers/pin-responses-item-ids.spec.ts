import { EventStreamTransform } from './event-stream';
import { pinResponsesItemIds } from './pin-responses-item-ids';
import { eventData, longId, runStream, sse } from './__fixtures__/run-stream';
import { churningStream, RESPONSE } from './__fixtures__/churning-responses';

type Json = Record<string, any>;

const ENCRYPTED = 'gAAAAABo+/enc==\\u002f';

const pin = (changed = jest.fn()) =>
  new EventStreamTransform([pinResponsesItemIds(changed)]);

/** The item id each event names, by output index. */
function idsByIndex(events: Json[]): Map<number, Set<string>> {
  const ids = new Map<number, Set<string>>();
  const add = (index: number, id: string) =>
    ids.set(index, (ids.get(index) ?? new Set()).add(id));
  for (const e of events) {
    if (typeof e.output_index === 'number')
      add(e.output_index, e.item_id ?? e.item.id);
    e.response?.output?.forEach((item: Json, i: number) => add(i, item.id));
  }
  return ids;
}

describe('pinResponsesItemIds (R9, R15)', () => {
  it('gives each output index the first id Copilot sent, on every event and in response.completed', () => {
    const { wire, firstIds } = churningStream();
    expect(idsByIndex(eventData(wire) as Json[]).get(0)!.size).toBeGreaterThan(
      1,
    );
    const changed = jest.fn();
    const events = eventData(runStream(pin(changed), wire, 97)) as Json[];
    const ids = idsByIndex(events);
    expect([...ids.keys()]).toEqual([0, 1, 2]);
    ids.forEach((set, index) => expect([...set]).toEqual([firstIds[index]]));
    expect(changed).toHaveBeenCalled();
  });

  it('changes nothing but the ids and the missing sequence numbers', () => {
    const { wire } = churningStream();
    const before = eventData(wire) as Json[];
    const after = eventData(runStream(pin(), wire)) as Json[];
    expect(after).toHaveLength(before.length);
    const strip = (e: Json) =>
      JSON.stringify(e, (key, value) =>
        key === 'id' || key === 'item_id' || key === 'sequence_number'
          ? undefined
          : value,
      );
    expect(after.map(strip)).toEqual(before.map(strip));
    expect(after.map((e) => e.sequence_number)).toEqual(after.map((_, i) => i));
    // The encrypted reasoning and the call id stay as Copilot sent them, event by event.
    expect(
      after
        .filter((e) => e.item?.type === 'reasoning')
        .map((e) => e.item.encrypted_content),
    ).toEqual(['enc-a', 'enc-b']);
    expect(
      after
        .at(-1)!
        .response.output.map((i: Json) => i.encrypted_content ?? i.call_id),
    ).toEqual(['enc-c', undefined, 'call_Zx9']);
    expect(after.at(-1)!.copilot_usage).toEqual({ total_nano_aiu: 1200000 });
  });

  it('edits only the id bytes of an event: escapes, spacing and key order stay', () => {
    const added = `event: response.output_item.added\ndata: {"type":"response.output_item.added","sequence_number":0,"output_index":0,"item":{"id":"first","type":"reasoning","encrypted_content":"${ENCRYPTED}","summary":[]}}\n\n`;
    const delta =
      'event: response.reasoning_summary_text.delta\ndata: {"type":"response.reasoning_summary_text.delta", "item_id" : "second","output_index":0,"summary_index":0,"delta":"caf\\u00e9","sequence_number":1}\n\n';
    const out = runStream(pin(), added + delta);
    expect(out).toBe(added + delta.replace('"second"', '"first"'));
  });

  it('numbers events that lack a sequence_number on from the last one', () => {
    const wire =
      'data: {"type":"response.created","sequence_number":0,"response":{"output":[]}}\n\n' +
      'data: {"type":"response.in_progress","response":{"output":[]}}\n\n' +
      'data: {"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"id":"a","type":"message","content":[]}}\n\n';
    expect(runStream(pin(), wire)).toBe(
      wire.replace(
        '{"type":"response.in_progress","response":{"output":[]}}',
        '{"type":"response.in_progress","response":{"output":[]},"sequence_number":1}',
      ),
    );
  });

  it('leaves a stream with stable ids and sequence numbers byte for byte', () => {
    const wire =
      'event: response.output_item.added\ndata: {"type":"response.output_item.added","sequence_number":0,"output_index":0,"item":{"id":"msg_1","type":"message","content":[]}}\n\n' +
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"hi"}\n\n' +
      'data: [DONE]\n\n';
    const changed = jest.fn();
    expect(runStream(pin(changed), wire, 1)).toBe(wire);
    expect(changed).not.toHaveBeenCalled();
  });

  it('expands a fast-path stream (created, then the whole output) into the events a streaming client reads', () => {
    const reasoning = {
      id: longId('rs'),
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: 'Short.' }],
      encrypted_content: 'enc-z',
    };
    const message = {
      id: longId('ms'),
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'pong', annotations: [] }],
    };
    const call = {
      id: longId('fc'),
      type: 'function_call',
      status: 'completed',
      name: 'ping',
      call_id: 'call_1',
      arguments: '{}',
    };
    const completed = {
      type: 'response.completed',
      response: {
        ...RESPONSE,
        status: 'completed',
        output: [reasoning, message, call],
      },
      copilot_usage: { total_nano_aiu: 0 },
    };
    const wire =
      sse({ type: 'response.created', response: RESPONSE }) + sse(completed);
    const out = runStream(pin(), wire, 13);
    const events = eventData(out) as Json[];
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(
      events.map((_, i) => i),
    );
    expect(events[1].item).toEqual({ ...reasoning, summary: [] });
    expect(events[3].delta).toBe('Short.');
    expect(events[6].item).toEqual(reasoning);
    expect(events[7].item).toEqual({
      ...message,
      status: 'in_progress',
      content: [],
    });
    expect(events[9]).toMatchObject({ item_id: message.id, delta: 'pong' });
    expect(events[14]).toMatchObject({ item_id: call.id, delta: '{}' });
    expect(events[16].item).toEqual(call);
    // Every synthesized event is named like Copilot's.
    expect(
      out
        .split('\n\n')
        .filter(Boolean)
        .every((e) => e.startsWith('event: ')),
    ).toBe(true);
    // The completed event is Copilot's but for its sequence number.
    expect(events.at(-1)).toEqual({ ...completed, sequence_number: 17 });
  });
});
