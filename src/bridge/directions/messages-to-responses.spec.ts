import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkMessagesStream } from '../answers/__fixtures__/grammar';
import { loadFixture, replay, testIds } from '../answers/__fixtures__/replay';
import type { BridgeNotes, Json } from '../ir';
import { messagesToResponses } from './messages-to-responses';

const MODEL = 'gpt-5.1-codex';
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

describe('messages → responses', () => {
  it('is the direction it says', () => {
    expect(messagesToResponses).toMatchObject({
      name: 'messages->responses',
      client: 'messages',
      upstream: 'responses',
    });
  });

  it('writes a recorded client request in the upstream API', () => {
    const notes: BridgeNotes = { ignored: [] };
    const read = messagesToResponses.readRequest(request, notes);
    read.model = MODEL;
    const body = messagesToResponses.writeRequest(read, notes);
    expect(body.model).toBe(MODEL);
    expect(Array.isArray(body.input)).toBe(true);
    expect(body.store).toBe(false);
  });

  it('writes a recorded upstream stream in the client grammar, event by event', () => {
    const fixture = loadFixture('responses-function-calls');
    const { output } = replay(
      messagesToResponses.streamReader(),
      messagesToResponses.streamWriter(context),
      [fixture.bytes],
    );
    const stream = checkMessagesStream(output);
    expect(stream.problems).toEqual([]);
    expect(
      stream.content.filter((b) => b.type === 'tool_use').length,
    ).toBeGreaterThan(0);
    expect(stream.stopReason).toBe('tool_use');
  });

  it('writes a whole upstream answer in the client shape', () => {
    const answer = messagesToResponses.writeAnswer(
      messagesToResponses.readAnswer({
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
    expect(answer.type).toBe('message');
  });
});
