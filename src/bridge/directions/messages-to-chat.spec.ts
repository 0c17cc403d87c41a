import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkMessagesStream } from '../answers/__fixtures__/grammar';
import { loadFixture, replay, testIds } from '../answers/__fixtures__/replay';
import type { BridgeNotes, Json } from '../ir';
import { messagesToChat } from './messages-to-chat';

const MODEL = 'gemini-2.5-pro';
const request = JSON.parse(
  readFileSync(
    join(
      __dirname,
      '..',
      'requests',
      '__fixtures__',
      'cc-tool-loop.messages.json',
    ),
    'utf8',
  ),
) as Json;
const context = { model: MODEL, ids: testIds(), includeUsage: true };

describe('messages → chat', () => {
  it('is the direction it says', () => {
    expect(messagesToChat).toMatchObject({
      name: 'messages->chat',
      client: 'messages',
      upstream: 'chat',
    });
  });

  it('writes a recorded client request in the upstream API', () => {
    const notes: BridgeNotes = { ignored: [] };
    const read = messagesToChat.readRequest(request, notes);
    read.model = MODEL;
    const body = messagesToChat.writeRequest(read, notes);
    expect(body.model).toBe(MODEL);
    expect(Array.isArray(body.messages)).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  it('writes a recorded upstream stream in the client grammar, event by event', () => {
    const fixture = loadFixture('chat-text-then-tool');
    const { output } = replay(
      messagesToChat.streamReader(),
      messagesToChat.streamWriter(context),
      [fixture.bytes],
    );
    const stream = checkMessagesStream(output);
    expect(stream.problems).toEqual([]);
    expect(stream.content.map((b) => b.type)).toEqual(['text', 'tool_use']);
    expect(stream.stopReason).toBe('tool_use');
  });

  it('writes a whole upstream answer in the client shape', () => {
    const answer = messagesToChat.writeAnswer(
      messagesToChat.readAnswer({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        model: MODEL,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Hello' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
      }),
      context,
    );
    expect(answer.type).toBe('message');
  });
});
