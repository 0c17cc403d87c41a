import type { ClientKeyRegistry } from '../auth/client-key.registry';
import { MAX_IDS_PER_KEY, ToolCallIds, toolCallIdsOf } from './tool-call-ids';

const registry = {
  named: (name: string) =>
    name === 'inferred' ? { initiator: 'infer' } : { initiator: undefined },
} as unknown as ClientKeyRegistry;

describe('toolCallIdsOf', () => {
  it('finds the tool call ids of every API, streamed or whole', () => {
    expect(
      toolCallIdsOf({
        choices: [
          { message: { tool_calls: [{ id: 'call_a' }, { id: 'call_b' }] } },
        ],
      }),
    ).toEqual(['call_a', 'call_b']);
    expect(
      toolCallIdsOf({
        choices: [{ delta: { tool_calls: [{ index: 0, id: 'call_c' }] } }],
      }),
    ).toEqual(['call_c']);
    expect(
      toolCallIdsOf({
        type: 'content_block_start',
        content_block: { type: 'tool_use', id: 'toolu_1', name: 'f' },
      }),
    ).toEqual(['toolu_1']);
    expect(
      toolCallIdsOf({
        output: [
          { type: 'message', id: 'msg_1' },
          { type: 'function_call', id: 'fc_1', call_id: 'call_d' },
        ],
      }),
    ).toEqual(['call_d']);
    // Message and answer ids are no tool calls.
    expect(toolCallIdsOf({ id: 'chatcmpl-1', choices: [] })).toEqual([]);
  });
});

describe('ToolCallIds', () => {
  it('taps only 2xx answers for keys with initiator: infer', () => {
    const ids = new ToolCallIds(registry);
    expect(ids.tap('plain', 200, false)).toBeUndefined();
    expect(ids.tap(undefined, 200, false)).toBeUndefined();
    expect(ids.tap('inferred', 500, false)).toBeUndefined();
    expect(ids.tap('inferred', 200, false)).toBeDefined();
  });

  it('remembers the ids of a stream cut anywhere, per key', () => {
    const ids = new ToolCallIds(registry);
    const tap = ids.tap('inferred', 200, true)!;
    const event = `data: ${JSON.stringify({
      choices: [{ delta: { tool_calls: [{ index: 0, id: 'call_s' }] } }],
    })}\n\n`;
    for (const part of [event.slice(0, 20), event.slice(20)])
      tap.chunk(Buffer.from(part));
    tap.end('complete');
    expect(ids.knows('inferred', 'call_s')).toBe(true);
    expect(ids.knows('other', 'call_s')).toBe(false);
  });

  it('keeps the most recent ids of a key, a bounded number', () => {
    const ids = new ToolCallIds(registry);
    for (let i = 0; i <= MAX_IDS_PER_KEY; i++)
      ids.remember('inferred', `c${i}`);
    expect(ids.knows('inferred', 'c0')).toBe(false);
    expect(ids.knows('inferred', 'c1')).toBe(true);
    expect(ids.knows('inferred', `c${MAX_IDS_PER_KEY}`)).toBe(true);
  });

  it('answers a call once: its id sent back again is no agent turn', () => {
    const ids = new ToolCallIds(registry);
    ids.remember('inferred', 'call_1');
    ids.remember('inferred', 'call_2');
    expect(ids.answer('inferred', ['call_1', 'call_x'])).toBe(false);
    expect(ids.answer('inferred', ['call_1', 'call_2'])).toBe(true);
    expect(ids.answer('inferred', ['call_1'])).toBe(false);
    expect(ids.answer('inferred', [])).toBe(false);
    expect(ids.answer('other', ['call_2'])).toBe(false);
  });
});
