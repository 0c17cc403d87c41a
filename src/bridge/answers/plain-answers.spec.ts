/**
 * Whole (non-streamed) Copilot answers through reader → writer for every bridge
 * direction, the client's body compared in full.
 */
import { testIds } from './__fixtures__/replay';
import { readChatAnswer } from './read-chat-answer';
import { readResponsesAnswer } from './read-responses-answer';
import { writeChatAnswer } from './write-chat-answer';
import { writeMessagesAnswer } from './write-messages-answer';
import { writeResponsesAnswer } from './write-responses-answer';
import type { WriterContext } from './writer-context';

const context = (model: string): WriterContext => ({
  model,
  ids: testIds(1767225600),
  includeUsage: false,
});

/** Claude on Copilot's Chat API: thinking, text and parallel calls (one without arguments). */
const claudeChatAnswer = {
  choices: [
    {
      finish_reason: 'tool_calls',
      index: 0,
      message: {
        content: 'Reading both files.',
        reasoning_opaque: 'EqQBCkgIBxABGAIqQK9vSig',
        reasoning_text: 'I need the README and the list of files.',
        role: 'assistant',
        tool_calls: [
          {
            function: { arguments: '{"path":"README.md"}', name: 'read_file' },
            id: 'toolu_vrtx_01A',
            type: 'function',
          },
          {
            function: { arguments: '', name: 'list_files' },
            id: 'toolu_vrtx_01B',
            type: 'function',
          },
        ],
      },
    },
  ],
  created: 1767225601,
  id: 'msg_vrtx_01PlainAnswer',
  model: 'claude-sonnet-4.5',
  usage: {
    completion_tokens: 96,
    prompt_tokens: 2048,
    prompt_tokens_details: { cached_tokens: 1792 },
    total_tokens: 2144,
  },
  copilot_usage: { total_nano_aiu: 31000000 },
};

/** gpt-5.x-codex on Copilot's Responses API: reasoning, text, a function call. */
const codexResponsesAnswer = {
  id: 'tomz9iiPr877QgWXfVEb41o5kvbMqmiU6oSM3sGRmYyv',
  object: 'response',
  created_at: 1772432000,
  status: 'completed',
  model: 'gpt-5.3-codex',
  output: [
    {
      id: 'XOTP6McLQgbHi7JAaubUUNw2HXqx',
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: '**Weather lookup**' }],
      encrypted_content: 'gAAAAABpEnc',
    },
    {
      id: 'bXNnX3Rva2Vu',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [
        { type: 'output_text', text: 'Looking up Tokyo.', annotations: [] },
      ],
    },
    {
      id: 'ZmNfdG9rZW4',
      type: 'function_call',
      status: 'completed',
      arguments: '{"location":"Tokyo"}',
      call_id: 'call_IvYLluXXEws7EcemBgX4GzdX',
      name: 'get_weather',
    },
  ],
  usage: {
    input_tokens: 56,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 24,
    output_tokens_details: { reasoning_tokens: 10 },
    total_tokens: 80,
  },
};

describe('plain answers, every direction', () => {
  it('Claude on Chat, to an Anthropic client', () => {
    expect(
      writeMessagesAnswer(
        readChatAnswer(claudeChatAnswer),
        context('claude-sonnet-4.5'),
      ),
    ).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4.5',
      content: [
        {
          type: 'thinking',
          thinking: 'I need the README and the list of files.',
          signature: 'EqQBCkgIBxABGAIqQK9vSig',
        },
        { type: 'text', text: 'Reading both files.' },
        {
          type: 'tool_use',
          id: 'toolu_vrtx_01A',
          name: 'read_file',
          input: { path: 'README.md' },
        },
        {
          type: 'tool_use',
          id: 'toolu_vrtx_01B',
          name: 'list_files',
          input: {},
        },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 256,
        output_tokens: 96,
        cache_read_input_tokens: 1792,
      },
      copilot_usage: { total_nano_aiu: 31000000 },
    });
  });

  it('Claude on Chat, to a Responses client', () => {
    expect(
      writeResponsesAnswer(
        readChatAnswer(claudeChatAnswer),
        context('claude-sonnet-4.5'),
      ),
    ).toEqual({
      id: 'resp_5',
      object: 'response',
      created_at: 1767225600,
      status: 'completed',
      error: null,
      incomplete_details: null,
      model: 'claude-sonnet-4.5',
      output: [
        {
          id: 'rs_1',
          type: 'reasoning',
          summary: [
            {
              type: 'summary_text',
              text: 'I need the README and the list of files.',
            },
          ],
          encrypted_content: 'EqQBCkgIBxABGAIqQK9vSig',
        },
        {
          id: 'msg_2',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [
            {
              type: 'output_text',
              text: 'Reading both files.',
              annotations: [],
            },
          ],
        },
        {
          id: 'fc_3',
          type: 'function_call',
          status: 'completed',
          arguments: '{"path":"README.md"}',
          call_id: 'toolu_vrtx_01A',
          name: 'read_file',
        },
        {
          id: 'fc_4',
          type: 'function_call',
          status: 'completed',
          arguments: '{}',
          call_id: 'toolu_vrtx_01B',
          name: 'list_files',
        },
      ],
      usage: {
        input_tokens: 2048,
        input_tokens_details: { cached_tokens: 1792 },
        output_tokens: 96,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 2144,
      },
      copilot_usage: { total_nano_aiu: 31000000 },
    });
  });

  it('Codex model on Responses, to an Anthropic client', () => {
    expect(
      writeMessagesAnswer(
        readResponsesAnswer(codexResponsesAnswer),
        context('gpt-5.3-codex'),
      ),
    ).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'gpt-5.3-codex',
      content: [
        {
          type: 'thinking',
          thinking: '**Weather lookup**',
          // Packed with its item id: the pair goes back next turn (R10).
          signature: 'gAAAAABpEnc@XOTP6McLQgbHi7JAaubUUNw2HXqx',
        },
        { type: 'text', text: 'Looking up Tokyo.' },
        {
          type: 'tool_use',
          id: 'call_IvYLluXXEws7EcemBgX4GzdX',
          name: 'get_weather',
          input: { location: 'Tokyo' },
        },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 56,
        output_tokens: 24,
        cache_read_input_tokens: 0,
      },
    });
  });

  it('Codex model on Responses, to a Chat client', () => {
    expect(
      writeChatAnswer(
        readResponsesAnswer(codexResponsesAnswer),
        context('gpt-5.3-codex'),
      ),
    ).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1767225600,
      model: 'gpt-5.3-codex',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Looking up Tokyo.',
            reasoning_text: '**Weather lookup**',
            reasoning_opaque: 'gAAAAABpEnc@XOTP6McLQgbHi7JAaubUUNw2HXqx',
            tool_calls: [
              {
                id: 'call_IvYLluXXEws7EcemBgX4GzdX',
                type: 'function',
                function: {
                  name: 'get_weather',
                  arguments: '{"location":"Tokyo"}',
                },
              },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 56,
        completion_tokens: 24,
        total_tokens: 80,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 10 },
      },
    });
  });

  it('an answer cut at max tokens, without usage, to each client', () => {
    const chat = readChatAnswer({
      choices: [{ finish_reason: 'length', message: { content: 'Once upon' } }],
    });
    const responses = readResponsesAnswer({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [
        {
          type: 'message',
          content: [{ type: 'output_text', text: 'Once upon' }],
        },
      ],
    });
    expect(writeMessagesAnswer(chat, context('m'))).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'm',
      content: [{ type: 'text', text: 'Once upon' }],
      stop_reason: 'max_tokens',
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0 },
    });
    expect(writeResponsesAnswer(chat, context('m'))).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      usage: null,
    });
    expect(writeChatAnswer(responses, context('m'))).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1767225600,
      model: 'm',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Once upon' },
          finish_reason: 'length',
          logprobs: null,
        },
      ],
    });
  });
});
