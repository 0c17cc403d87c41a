/**
 * Recorded Copilot streams through reader → writer for every bridge direction,
 * fed in chunks (whole, at the fixture's marks, byte by byte, 7 bytes at a time):
 * the client grammar holds, chunking changes nothing, and the client sees the
 * answer the upstream gave.
 */
import { SseParser } from '../../http/sse';
import type { Json, StreamReader, StreamWriter } from '../ir';
import {
  checkChatStream,
  checkMessagesStream,
  checkResponsesStream,
} from './__fixtures__/grammar';
import { chunkings, loadFixture, replay, testIds } from './__fixtures__/replay';
import { ChatStreamReader } from './read-chat-answer';
import { ResponsesStreamReader } from './read-responses-answer';
import { ChatStreamWriter } from './write-chat-answer';
import { MessagesStreamWriter } from './write-messages-answer';
import { ResponsesStreamWriter } from './write-responses-answer';
import type { WriterContext } from './writer-context';

const context = (includeUsage = true): WriterContext => ({
  model: 'served-model',
  ids: testIds(),
  includeUsage,
});

/** Runs every chunking; returns the (identical) output of all of them. */
function replayAll(
  name: string,
  makeReader: () => StreamReader,
  makeWriter: () => StreamWriter,
): string {
  const fixture = loadFixture(name);
  const outputs = chunkings(fixture).map(
    ({ label, chunks }) =>
      [label, replay(makeReader(), makeWriter(), chunks).output] as const,
  );
  const [, whole] = outputs[0];
  for (const [label, output] of outputs) {
    expect({ label, output }).toEqual({ label, output: whole });
  }
  return whole;
}

const chatReader = () => new ChatStreamReader();
const responsesReader = () => new ResponsesStreamReader();

const COPILOT_CHAT_USAGE = {
  token_details: [
    {
      batch_size: 1000000,
      cost_per_batch: 2000000000000,
      token_count: 31,
      token_type: 'input',
    },
    {
      batch_size: 1000000,
      cost_per_batch: 8000000000000,
      token_count: 9,
      token_type: 'output',
    },
  ],
  total_nano_aiu: 134000,
};
const COPILOT_RESPONSES_USAGE = {
  token_details: [
    {
      batch_size: 1000000,
      cost_per_batch: 175000000000,
      token_count: 19,
      token_type: 'input',
    },
    {
      batch_size: 1000000,
      cost_per_batch: 1400000000000,
      token_count: 105,
      token_type: 'output',
    },
  ],
  total_nano_aiu: 150325000,
};

const text = (value: string) => ({ type: 'text', text: value });
const toolUse = (id: string, name: string, input: Json) => ({
  type: 'tool_use',
  id,
  name,
  input,
});
const thinking = (value: string, signature = '') => ({
  type: 'thinking',
  thinking: value,
  signature,
});
const anthropicUsage = (input: number, output: number, cached: number) => ({
  input_tokens: input,
  output_tokens: output,
  cache_read_input_tokens: cached,
});

const GEMINI_THOUGHT =
  '**Reading the project**\n\nI need the README and the build file.\n\n';
const CLAUDE_THOUGHT =
  'The user asks for 17 × 23. 17 × 20 = 340, 17 × 3 = 51, so 391.';
const LATE_THOUGHT = '**Who am I?**\n\nThe user wants an introduction.\n\n';
const RESPONSES_THOUGHT =
  '**Counting letters**\n\nstrawberry has r at 3, 8, 9.\n\n**Answer**\n\nThree.';
const ENCRYPTED = 'gAAAAABpZ0FsInRoaW5raW5nIjoiY2Fub25pY2FsIn0=';
/** What an Anthropic or Chat client keeps of it: packed with the id of its `output_item.done`. */
const CARRIED = `${ENCRYPTED}@Yk9wZW5BSV9pdGVt_012`;
const RATE_LIMIT =
  'Rate limit reached for gpt-5.3-codex. Please try again in 2.5s.';

describe('replay: Copilot Chat streams to an Anthropic client (Messages → Chat)', () => {
  it.each<[string, Json]>([
    [
      'chat-text',
      {
        content: [text('Bonjour à toi 👋, ça va ?')],
        stopReason: 'end_turn',
        usage: anthropicUsage(31, 9, 0),
        copilotUsage: COPILOT_CHAT_USAGE,
      },
    ],
    [
      'chat-tool-call',
      {
        content: [
          toolUse('toolu_vrtx_01QkF5', 'get_weather', { city: 'Zürich' }),
        ],
        stopReason: 'tool_use',
        usage: anthropicUsage(298, 57, 1536),
      },
    ],
    [
      'chat-parallel-tool-calls',
      {
        content: [
          toolUse('call_9pQ2WeatherParis', 'get_weather', { city: 'Paris' }),
          toolUse('call_7xR4TimeTokyo', 'get_time', { zone: 'Asia/Tokyo' }),
        ],
        stopReason: 'tool_use',
        usage: anthropicUsage(33, 48, 64),
      },
    ],
    [
      'chat-text-then-tool',
      {
        content: [
          text("I'll look that up for you."),
          toolUse('toolu_vrtx_01SeArch', 'search_docs', { query: 'SSE retry' }),
        ],
        stopReason: 'tool_use',
        usage: anthropicUsage(2210, 41, 0),
      },
    ],
    [
      'chat-tool-empty-args',
      {
        content: [toolUse('call_ListFiles01', 'list_files', {})],
        stopReason: 'tool_use',
        usage: anthropicUsage(60, 11, 0),
      },
    ],
    [
      'chat-no-usage',
      {
        content: [text('Done.')],
        stopReason: 'end_turn',
        usage: { output_tokens: 0 },
      },
    ],
    [
      'chat-error',
      {
        content: [text('Partial ans')],
        error: { type: 'api_error', message: 'upstream request timed out' },
      },
    ],
    [
      'chat-claude-reasoning',
      {
        content: [
          thinking(CLAUDE_THOUGHT, 'EqQBCkgIBxABGAIqQK9vSig/Xf3+uT8=='),
          text('17 × 23 = **391**.'),
        ],
        stopReason: 'end_turn',
        usage: anthropicUsage(412, 88, 0),
      },
    ],
    [
      'chat-gemini-reasoning-tools',
      {
        content: [
          thinking(
            GEMINI_THOUGHT,
            '4CUQ6696CwSXOdQ5rtvDimqA91tBzfmga4ieRbmZ5P67T2NLW3',
          ),
          toolUse('call_abc123', 'read_file', { filePath: '/README.md' }),
          toolUse('call_def456', 'read_file', { filePath: '/mix.exs' }),
        ],
        stopReason: 'tool_use',
        usage: anthropicUsage(2513, 53, 17068),
      },
    ],
    [
      'chat-late-opaque',
      {
        content: [
          thinking(LATE_THOUGHT),
          text('I am a coding assistant.\n\nHow can I help you?'),
          thinking('', '/PMlTqxqSJZnUBDHgnnJKLVI4eZQ'),
        ],
        stopReason: 'end_turn',
        usage: anthropicUsage(5778, 59, 0),
      },
    ],
    [
      'chat-no-finish',
      {
        content: [text('Half a thought')],
        stopReason: 'end_turn',
        usage: anthropicUsage(12, 4, 0),
      },
    ],
  ])('%s', (name, expected) => {
    const output = replayAll(
      name,
      chatReader,
      () => new MessagesStreamWriter(context()),
    );
    const {
      problems,
      message,
      content,
      stopReason,
      usage,
      copilotUsage,
      error,
    } = checkMessagesStream(output);
    expect(problems).toEqual([]);
    expect(message?.id).toBe('msg_1');
    expect({ content, stopReason, usage, copilotUsage, error }).toEqual({
      stopReason: undefined,
      usage: undefined,
      copilotUsage: undefined,
      error: undefined,
      ...expected,
    });
  });
});

const outputText = (value: string) => ({
  type: 'output_text',
  text: value,
  annotations: [],
});
const messageItem = (id: string, value: string) => ({
  id,
  type: 'message',
  status: 'completed',
  role: 'assistant',
  content: [outputText(value)],
});
const callItem = (id: string, callId: string, name: string, args: string) => ({
  id,
  type: 'function_call',
  status: 'completed',
  arguments: args,
  call_id: callId,
  name,
});
const reasoningItem = (id: string, summary: string, encrypted?: string) => ({
  id,
  type: 'reasoning',
  summary: summary === '' ? [] : [{ type: 'summary_text', text: summary }],
  ...(encrypted !== undefined && { encrypted_content: encrypted }),
});
const responsesUsage = (
  input: number,
  cached: number,
  output: number,
  reasoning = 0,
) => ({
  input_tokens: input,
  input_tokens_details: { cached_tokens: cached },
  output_tokens: output,
  output_tokens_details: { reasoning_tokens: reasoning },
  total_tokens: input + output,
});

describe('replay: Copilot Chat streams to a Responses client (Responses → Chat)', () => {
  it.each<[string, Json]>([
    [
      'chat-text',
      {
        terminal: 'response.completed',
        items: [messageItem('msg_2', 'Bonjour à toi 👋, ça va ?')],
        usage: responsesUsage(31, 0, 9),
        copilotUsage: COPILOT_CHAT_USAGE,
      },
    ],
    [
      'chat-tool-call',
      {
        terminal: 'response.completed',
        items: [
          callItem(
            'fc_2',
            'toolu_vrtx_01QkF5',
            'get_weather',
            '{"city": "Zürich"}',
          ),
        ],
        usage: responsesUsage(1834, 1536, 57),
      },
    ],
    [
      'chat-parallel-tool-calls',
      {
        terminal: 'response.completed',
        items: [
          callItem(
            'fc_2',
            'call_9pQ2WeatherParis',
            'get_weather',
            '{"city":"Paris"}',
          ),
          callItem(
            'fc_3',
            'call_7xR4TimeTokyo',
            'get_time',
            '{"zone":"Asia/Tokyo"}',
          ),
        ],
        usage: responsesUsage(97, 64, 48),
      },
    ],
    [
      'chat-text-then-tool',
      {
        terminal: 'response.completed',
        items: [
          messageItem('msg_2', "I'll look that up for you."),
          callItem(
            'fc_3',
            'toolu_vrtx_01SeArch',
            'search_docs',
            '{"query":"SSE retry"}',
          ),
        ],
        usage: responsesUsage(2210, 0, 41),
      },
    ],
    [
      'chat-tool-empty-args',
      {
        terminal: 'response.completed',
        items: [callItem('fc_2', 'call_ListFiles01', 'list_files', '{}')],
        usage: responsesUsage(60, 0, 11),
      },
    ],
    [
      'chat-no-usage',
      {
        terminal: 'response.completed',
        items: [messageItem('msg_2', 'Done.')],
        usage: null,
      },
    ],
    [
      'chat-error',
      {
        terminal: 'response.failed',
        items: [],
        usage: null,
        error: {
          code: 'upstream_timeout',
          message: 'upstream request timed out',
        },
      },
    ],
    [
      'chat-claude-reasoning',
      {
        terminal: 'response.completed',
        items: [
          reasoningItem(
            'rs_2',
            CLAUDE_THOUGHT,
            'EqQBCkgIBxABGAIqQK9vSig/Xf3+uT8==',
          ),
          messageItem('msg_3', '17 × 23 = **391**.'),
        ],
        usage: responsesUsage(412, 0, 88),
      },
    ],
    [
      'chat-gemini-reasoning-tools',
      {
        terminal: 'response.completed',
        items: [
          reasoningItem(
            'rs_2',
            GEMINI_THOUGHT,
            '4CUQ6696CwSXOdQ5rtvDimqA91tBzfmga4ieRbmZ5P67T2NLW3',
          ),
          callItem(
            'fc_3',
            'call_abc123',
            'read_file',
            '{"filePath":"/README.md"}',
          ),
          callItem(
            'fc_4',
            'call_def456',
            'read_file',
            '{"filePath":"/mix.exs"}',
          ),
        ],
        usage: responsesUsage(19581, 17068, 53, 134),
      },
    ],
    [
      'chat-late-opaque',
      {
        terminal: 'response.completed',
        items: [
          reasoningItem('rs_2', LATE_THOUGHT),
          messageItem(
            'msg_3',
            'I am a coding assistant.\n\nHow can I help you?',
          ),
          reasoningItem('rs_4', '', '/PMlTqxqSJZnUBDHgnnJKLVI4eZQ'),
        ],
        usage: responsesUsage(5778, 0, 59, 95),
      },
    ],
    [
      'chat-no-finish',
      {
        terminal: 'response.completed',
        items: [messageItem('msg_2', 'Half a thought')],
        usage: responsesUsage(12, 0, 4),
      },
    ],
  ])('%s', (name, expected) => {
    const output = replayAll(
      name,
      chatReader,
      () => new ResponsesStreamWriter(context()),
    );
    const { problems, terminal, items, final, created } =
      checkResponsesStream(output);
    expect(problems).toEqual([]);
    expect(created?.id).toBe('resp_1');
    expect({
      terminal,
      items,
      usage: final?.usage,
      copilotUsage: final?.copilot_usage,
      error: final?.error ?? undefined,
    }).toEqual({ copilotUsage: undefined, error: undefined, ...expected });
    if (terminal === 'response.completed') {
      // What Codex needs to show and keep the turn.
      expect(items.length).toBeGreaterThan(0);
      expect(final?.output).toEqual(items);
    }
  });
});

describe('replay: Copilot Responses streams to an Anthropic client (Messages → Responses)', () => {
  it.each<[string, Json]>([
    [
      'responses-text',
      {
        content: [text('Voilà : le café coûte 3 € ☕.')],
        stopReason: 'end_turn',
        usage: anthropicUsage(19, 105, 0),
        copilotUsage: COPILOT_RESPONSES_USAGE,
      },
    ],
    [
      'responses-function-calls',
      {
        content: [
          text('Checking both cities.'),
          toolUse('call_2FQdm3Br7Qb35YUBSkDR7kue', 'get_weather', {
            city: 'Beijing',
          }),
          toolUse('call_8hTqLmZ0aVwN4sYcE1dP6fXr', 'get_weather', {
            city: 'Lyon',
          }),
        ],
        stopReason: 'tool_use',
        usage: anthropicUsage(13, 25, 32),
      },
    ],
    [
      'responses-reasoning',
      {
        content: [
          thinking(RESPONSES_THOUGHT, CARRIED),
          text('There are **3** r’s.'),
        ],
        stopReason: 'end_turn',
        usage: anthropicUsage(19, 105, 0),
      },
    ],
    [
      'responses-failed',
      {
        content: [text('Let me th')],
        error: {
          type: 'api_error',
          message: 'The model produced invalid content.',
        },
      },
    ],
    [
      'responses-error',
      {
        content: [],
        error: { type: 'rate_limit_error', message: RATE_LIMIT },
      },
    ],
    [
      'responses-incomplete',
      {
        content: [text('Once upon a time')],
        stopReason: 'max_tokens',
        usage: anthropicUsage(12, 4, 0),
      },
    ],
  ])('%s', (name, expected) => {
    const output = replayAll(
      name,
      responsesReader,
      () => new MessagesStreamWriter(context()),
    );
    const {
      problems,
      message,
      content,
      stopReason,
      usage,
      copilotUsage,
      error,
    } = checkMessagesStream(output);
    expect(problems).toEqual([]);
    expect(message?.model).toBe('gpt-5.3-codex');
    expect({ content, stopReason, usage, copilotUsage, error }).toEqual({
      stopReason: undefined,
      usage: undefined,
      copilotUsage: undefined,
      error: undefined,
      ...expected,
    });
  });
});

const chatUsage = (
  prompt: number,
  cached: number,
  completion: number,
  reasoning = 0,
) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
  prompt_tokens_details: { cached_tokens: cached },
  completion_tokens_details: { reasoning_tokens: reasoning },
});

describe('replay: Copilot Responses streams to a Chat client (Chat → Responses)', () => {
  it.each<[string, Json]>([
    [
      'responses-text',
      {
        text: 'Voilà : le café coûte 3 € ☕.',
        finishReason: 'stop',
        usage: chatUsage(19, 0, 105),
        copilotUsage: COPILOT_RESPONSES_USAGE,
      },
    ],
    [
      'responses-function-calls',
      {
        text: 'Checking both cities.',
        toolCalls: [
          {
            id: 'call_2FQdm3Br7Qb35YUBSkDR7kue',
            name: 'get_weather',
            arguments: '{"city":"Beijing"}',
          },
          {
            id: 'call_8hTqLmZ0aVwN4sYcE1dP6fXr',
            name: 'get_weather',
            arguments: '{"city":"Lyon"}',
          },
        ],
        finishReason: 'tool_calls',
        usage: chatUsage(45, 32, 25),
      },
    ],
    [
      'responses-reasoning',
      {
        text: 'There are **3** r’s.',
        reasoning: RESPONSES_THOUGHT,
        opaque: [CARRIED],
        finishReason: 'stop',
        usage: chatUsage(19, 0, 105, 44),
      },
    ],
    [
      'responses-failed',
      {
        text: 'Let me th',
        error: {
          message: 'The model produced invalid content.',
          type: 'server_error',
          code: 'server_error',
        },
      },
    ],
    [
      'responses-error',
      {
        error: {
          message: RATE_LIMIT,
          type: 'rate_limit_error',
          code: 'rate_limit_exceeded',
        },
      },
    ],
    [
      'responses-incomplete',
      {
        text: 'Once upon a time',
        finishReason: 'length',
        usage: chatUsage(12, 0, 4),
      },
    ],
  ])('%s', (name, expected) => {
    const output = replayAll(
      name,
      responsesReader,
      () => new ChatStreamWriter(context()),
    );
    const result = checkChatStream(output);
    expect(result.problems).toEqual([]);
    const {
      text,
      reasoning,
      opaque,
      toolCalls,
      finishReason,
      usage,
      copilotUsage,
      error,
    } = result;
    expect({
      text,
      reasoning,
      opaque,
      toolCalls,
      finishReason,
      usage,
      copilotUsage,
      error,
    }).toEqual({
      text: '',
      reasoning: '',
      opaque: [],
      toolCalls: [],
      finishReason: undefined,
      usage: undefined,
      copilotUsage: undefined,
      error: undefined,
      ...expected,
    });
    if (!result.error) expect(output.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('writes no usage chunk for a client that did not ask', () => {
    const output = replayAll(
      'responses-text',
      responsesReader,
      () => new ChatStreamWriter(context(false)),
    );
    const result = checkChatStream(output);
    expect(result.problems).toEqual([]);
    expect(result.usage).toBeUndefined();
  });
});

describe('replay: streaming, not buffering', () => {
  it('splits UTF-8 characters across chunks at the fixture marks', () => {
    const fixture = loadFixture('chat-text');
    const marked = chunkings(fixture).find((c) => c.label === 'at its marks')!;
    const broken = marked.chunks.filter((chunk) =>
      chunk.toString('utf8').includes('\uFFFD'),
    );
    expect(broken.length).toBeGreaterThanOrEqual(2);
  });

  it.each([
    [
      'chat-text',
      chatReader,
      () => new MessagesStreamWriter(context()),
      'Bonjour',
    ],
    [
      'chat-text',
      chatReader,
      () => new ResponsesStreamWriter(context()),
      'Bonjour',
    ],
    [
      'responses-text',
      responsesReader,
      () => new MessagesStreamWriter(context()),
      'Voilà',
    ],
    [
      'responses-text',
      responsesReader,
      () => new ChatStreamWriter(context()),
      'Voilà',
    ],
  ] as const)(
    '%s: the client gets the first text when its upstream event arrives',
    (name, makeReader, makeWriter, first) => {
      const parser = new SseParser();
      const reader = makeReader();
      const writer = makeWriter();
      const events = parser.push(loadFixture(name).bytes);
      let output = '';
      let arrivedAt = -1;
      for (const [i, event] of events.entries()) {
        for (const part of reader.push(event)) output += writer.write(part);
        if (arrivedAt === -1 && output.includes(first)) arrivedAt = i;
      }
      const carrier = events.findIndex((event) => event.data.includes(first));
      expect(arrivedAt).toBe(carrier);
      expect(carrier).toBeLessThan(events.length - 2);
    },
  );
});
