import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkResponsesStream } from '../answers/__fixtures__/grammar';
import { loadFixture, replay, testIds } from '../answers/__fixtures__/replay';
import type { BridgeNotes, Json } from '../ir';
import { responsesToChat } from './responses-to-chat';

const MODEL = 'gemini-2.5-pro';
const request = JSON.parse(
  readFileSync(
    join(
      __dirname,
      '..',
      'requests',
      '__fixtures__',
      'codex-tool-loop.responses.json',
    ),
    'utf8',
  ),
) as Json;
const context = { model: MODEL, ids: testIds(), includeUsage: true };

describe('responses → chat', () => {
  it('is the direction it says', () => {
    expect(responsesToChat).toMatchObject({
      name: 'responses->chat',
      client: 'responses',
      upstream: 'chat',
    });
  });

  it('writes a recorded client request in the upstream API', () => {
    const notes: BridgeNotes = { ignored: [] };
    const read = responsesToChat.readRequest(request, notes);
    read.model = MODEL;
    const body = responsesToChat.writeRequest(read, notes);
    expect(body.model).toBe(MODEL);
    expect(Array.isArray(body.messages)).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  it('writes a recorded upstream stream in the client grammar, event by event', () => {
    const fixture = loadFixture('chat-parallel-tool-calls');
    const { output } = replay(
      responsesToChat.streamReader(),
      responsesToChat.streamWriter(context),
      [fixture.bytes],
    );
    const stream = checkResponsesStream(output);
    expect(stream.problems).toEqual([]);
    expect(stream.items.filter((i) => i.type === 'function_call')).toHaveLength(
      2,
    );
    expect(stream.terminal).toBe('response.completed');
  });

  it('writes a whole upstream answer in the client shape', () => {
    const answer = responsesToChat.writeAnswer(
      responsesToChat.readAnswer({
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
    expect(answer.object).toBe('response');
  });
});
