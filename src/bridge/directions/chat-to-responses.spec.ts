import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkChatStream } from '../answers/__fixtures__/grammar';
import { loadFixture, replay, testIds } from '../answers/__fixtures__/replay';
import type { BridgeNotes, Json } from '../ir';
import { chatToResponses } from './chat-to-responses';

const MODEL = 'gpt-5.1-codex';
const request = JSON.parse(
  readFileSync(
    join(
      __dirname,
      '..',
      'requests',
      '__fixtures__',
      'chat-tool-loop.chat.json',
    ),
    'utf8',
  ),
) as Json;
const context = { model: MODEL, ids: testIds(), includeUsage: true };

describe('chat → responses', () => {
  it('is the direction it says', () => {
    expect(chatToResponses).toMatchObject({
      name: 'chat->responses',
      client: 'chat',
      upstream: 'responses',
    });
  });

  it('writes a recorded client request in the upstream API', () => {
    const notes: BridgeNotes = { ignored: [] };
    const read = chatToResponses.readRequest(request, notes);
    read.model = MODEL;
    const body = chatToResponses.writeRequest(read, notes);
    expect(body.model).toBe(MODEL);
    expect(Array.isArray(body.input)).toBe(true);
    expect(body.store).toBe(false);
  });

  it('writes a recorded upstream stream in the client grammar, event by event', () => {
    const fixture = loadFixture('responses-text');
    const { output } = replay(
      chatToResponses.streamReader(),
      chatToResponses.streamWriter(context),
      [fixture.bytes],
    );
    const stream = checkChatStream(output);
    expect(stream.problems).toEqual([]);
    expect(stream.text.length).toBeGreaterThan(0);
    expect(stream.finishReason).toBe('stop');
  });

  it('writes a whole upstream answer in the client shape', () => {
    const answer = chatToResponses.writeAnswer(
      chatToResponses.readAnswer({
        id: 'resp_1',
        object: 'response',
        status: 'completed',
        model: MODEL,
        output: [
          {
            type: 'message',
            id: 'msg_1',
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: 'Hello', annotations: [] }],
          },
        ],
        usage: { input_tokens: 5, output_tokens: 1, total_tokens: 6 },
      }),
      context,
    );
    expect(answer.object).toBe('chat.completion');
  });
});
