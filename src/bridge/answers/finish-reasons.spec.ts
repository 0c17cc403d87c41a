import type { FinishReason } from '../ir';
import {
  fromChatFinishReason,
  fromResponsesIncomplete,
  mergeFinishReasons,
  toAnthropicStopReason,
  toChatFinishReason,
  toResponsesOutcome,
} from './finish-reasons';

describe('finish reasons', () => {
  it.each([
    [null, undefined],
    [undefined, undefined],
    ['', undefined],
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool-calls'],
    ['function_call', 'tool-calls'],
    ['content_filter', 'content-filter'],
    ['something_new', 'other'],
  ])('reads Chat %p as %p', (chat, bridge) => {
    expect(fromChatFinishReason(chat)).toBe(bridge);
  });

  it('lets a tool call win over another choice, else keeps the first', () => {
    expect(mergeFinishReasons('stop', 'tool-calls')).toBe('tool-calls');
    expect(mergeFinishReasons('tool-calls', 'stop')).toBe('tool-calls');
    expect(mergeFinishReasons(undefined, 'length')).toBe('length');
    expect(mergeFinishReasons('length', undefined)).toBe('length');
    expect(mergeFinishReasons('stop', 'length')).toBe('stop');
  });

  it('reads Responses incomplete reasons', () => {
    expect(fromResponsesIncomplete('max_output_tokens')).toBe('length');
    expect(fromResponsesIncomplete('content_filter')).toBe('content-filter');
    expect(fromResponsesIncomplete(undefined)).toBe('length');
  });

  const all: FinishReason[] = [
    'stop',
    'stop-sequence',
    'length',
    'tool-calls',
    'content-filter',
    'error',
    'other',
  ];

  it('writes every reason for each client API', () => {
    expect(all.map(toAnthropicStopReason)).toEqual([
      'end_turn',
      'stop_sequence',
      'max_tokens',
      'tool_use',
      'refusal',
      'end_turn',
      'end_turn',
    ]);
    expect(all.map(toChatFinishReason)).toEqual([
      'stop',
      'stop',
      'length',
      'tool_calls',
      'content_filter',
      'stop',
      'stop',
    ]);
    expect(all.map((reason) => toResponsesOutcome(reason).status)).toEqual([
      'completed',
      'completed',
      'incomplete',
      'completed',
      'incomplete',
      'completed',
      'completed',
    ]);
    expect(toResponsesOutcome('length').incompleteDetails).toEqual({
      reason: 'max_output_tokens',
    });
    expect(toResponsesOutcome('content-filter').incompleteDetails).toEqual({
      reason: 'content_filter',
    });
    expect(toResponsesOutcome('stop').incompleteDetails).toBeNull();
  });
});
