import { formatEvent, jsonEvent } from '../../../http/sse';
import type { Json } from '../../ir';
import {
  checkChatStream,
  checkMessagesStream,
  checkResponsesStream,
} from './grammar';

/** The grammar checks must catch what they are for, or the replay specs prove nothing. */
describe('grammar checks', () => {
  describe('Anthropic', () => {
    const named = (data: Json) => jsonEvent(data.type as string, data);
    const start = named({
      type: 'message_start',
      message: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'm',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    });
    const toolStart = named({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: 'call_1', name: 'f', input: {} },
    });
    const json = (partial: string) =>
      named({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'input_json_delta', partial_json: partial },
      });
    const stop = (index: number) =>
      named({ type: 'content_block_stop', index });
    const end =
      named({
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { output_tokens: 3 },
      }) + named({ type: 'message_stop' });

    it('accepts a valid stream and rebuilds its blocks', () => {
      const result = checkMessagesStream(
        start + toolStart + json('{"a":') + json('1}') + stop(0) + end,
      );
      expect(result.problems).toEqual([]);
      expect(result.content).toEqual([
        { type: 'tool_use', id: 'call_1', name: 'f', input: { a: 1 } },
      ]);
      expect(result.stopReason).toBe('tool_use');
    });

    it.each([
      ['no message_start', toolStart + stop(0) + end, 'message_start'],
      ['a block never stopped', start + toolStart + end, 'inside a block'],
      ['a wrong index', start + toolStart + stop(1) + end, "open block's"],
      [
        'tool input that is no JSON',
        start + toolStart + json('{') + stop(0) + end,
        'no JSON object',
      ],
      [
        'no message_stop',
        start + end.split('\n\n')[0] + '\n\n',
        'ended in state',
      ],
      [
        'an event after message_stop',
        start + end + stop(0),
        'after the stream ended',
      ],
      [
        'a thinking block without signature',
        start +
          named({
            type: 'content_block_start',
            index: 0,
            content_block: { type: 'thinking', thinking: '', signature: '' },
          }) +
          stop(0) +
          end,
        'without a signature_delta',
      ],
      [
        'an event name unlike its type',
        start.replace('event: message_start', 'event: other'),
        'differ',
      ],
    ])('flags %s', (_, text, problem) => {
      expect(checkMessagesStream(text).problems.join('\n')).toContain(problem);
    });
  });

  describe('Chat', () => {
    const chunk = (delta: Json, finish: string | null = null) =>
      jsonEvent(undefined, {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'm',
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
    const role = chunk({ role: 'assistant', content: '' });
    const open = (index: number, id: string) =>
      chunk({
        tool_calls: [
          {
            index,
            id,
            type: 'function',
            function: { name: 'f', arguments: '' },
          },
        ],
      });
    const args = (index: number, text: string) =>
      chunk({ tool_calls: [{ index, function: { arguments: text } }] });
    const finish = chunk({}, 'tool_calls');
    const done = formatEvent(undefined, '[DONE]');

    it('accepts a valid stream and rebuilds its calls', () => {
      const result = checkChatStream(
        role +
          open(0, 'a') +
          args(0, '{}') +
          open(1, 'b') +
          args(1, '{"x":1}') +
          finish +
          done,
      );
      expect(result.problems).toEqual([]);
      expect(result.toolCalls).toEqual([
        { id: 'a', name: 'f', arguments: '{}' },
        { id: 'b', name: 'f', arguments: '{"x":1}' },
      ]);
    });

    it.each([
      [
        'no role first',
        chunk({ content: 'x' }) + finish + done,
        'role assistant',
      ],
      ['no [DONE]', role + chunk({}, 'stop'), 'without [DONE]'],
      ['[DONE] before the finish', role + done, 'before a finish_reason'],
      [
        'a call index skipped',
        role + open(1, 'b') + args(1, '{}') + finish + done,
        'out of order',
      ],
      [
        'deltas back to an earlier call',
        role +
          open(0, 'a') +
          open(1, 'b') +
          args(0, '{}') +
          args(1, '{}') +
          finish +
          done,
        'out of order',
      ],
      [
        'arguments that are no JSON',
        role + open(0, 'a') + args(0, '{') + finish + done,
        'no JSON object',
      ],
      [
        'a chunk after [DONE]',
        role + chunk({}, 'stop') + done + role,
        'after the stream ended',
      ],
      [
        'a chunk after the finish',
        role + chunk({}, 'stop') + chunk({ content: 'x' }) + done,
        'after the finish_reason',
      ],
    ])('flags %s', (_, text, problem) => {
      expect(checkChatStream(text).problems.join('\n')).toContain(problem);
    });
  });

  describe('Responses', () => {
    let sequence = 0;
    const event = (data: Json) =>
      jsonEvent(data.type as string, { ...data, sequence_number: sequence++ });
    const response = (status: string, output: Json[] = []) => ({
      id: 'resp_1',
      object: 'response',
      created_at: 1,
      status,
      model: 'm',
      output,
      usage: null,
    });
    const item = {
      id: 'fc_1',
      type: 'function_call',
      status: 'completed',
      arguments: '{}',
      call_id: 'call_1',
      name: 'f',
    };
    function stream(
      parts: { skipDone?: boolean; output?: Json[]; args?: string } = {},
    ) {
      sequence = 0;
      return (
        event({ type: 'response.created', response: response('in_progress') }) +
        event({
          type: 'response.in_progress',
          response: response('in_progress'),
        }) +
        event({
          type: 'response.output_item.added',
          output_index: 0,
          item: { ...item, status: 'in_progress', arguments: '' },
        }) +
        event({
          type: 'response.function_call_arguments.delta',
          item_id: 'fc_1',
          output_index: 0,
          delta: parts.args ?? '{}',
        }) +
        (parts.skipDone
          ? ''
          : event({
              type: 'response.output_item.done',
              output_index: 0,
              item,
            })) +
        event({
          type: 'response.completed',
          response: response('completed', parts.output ?? [item]),
        })
      );
    }

    it('accepts a valid stream and collects its items', () => {
      const result = checkResponsesStream(stream());
      expect(result.problems).toEqual([]);
      expect(result.items).toEqual([item]);
      expect(result.terminal).toBe('response.completed');
    });

    it.each([
      [
        'an item never done',
        stream({ skipDone: true, output: [] }),
        'still open',
      ],
      [
        'an output unlike the done items',
        stream({ output: [] }),
        'output differs',
      ],
      [
        'arguments unlike their deltas',
        stream({ args: '{"a"' }),
        'differ from their deltas',
      ],
      [
        'no terminal event',
        stream().split('event: response.completed')[0],
        'without a terminal',
      ],
      [
        'a sequence number out of order',
        stream().replace('"sequence_number":3', '"sequence_number":7'),
        'sequence_number 7',
      ],
    ])('flags %s', (_, text, problem) => {
      expect(checkResponsesStream(text).problems.join('\n')).toContain(problem);
    });
  });
});
