import { checkMessagesStream } from '../answers/__fixtures__/grammar';
import { runDirection } from './__fixtures__/run-direction';
import { messagesToResponses } from './messages-to-responses';

describe('messages → responses', () => {
  const { upstreamBody, output, answer } = runDirection(messagesToResponses, {
    model: 'gpt-5.1-codex',
    request: 'cc-tool-loop.messages.json',
    stream: 'responses-function-calls',
  });

  it('is the direction it says', () => {
    expect(messagesToResponses).toMatchObject({
      name: 'messages->responses',
      client: 'messages',
      upstream: 'responses',
    });
  });

  it('writes a recorded client request in the upstream API', () => {
    expect(upstreamBody.model).toBe('gpt-5.1-codex');
    expect(Array.isArray(upstreamBody.input)).toBe(true);
    expect(upstreamBody.store).toBe(false);
  });

  it('writes a recorded upstream stream in the client grammar, event by event', () => {
    const stream = checkMessagesStream(output);
    expect(stream.problems).toEqual([]);
    expect(
      stream.content.filter((b) => b.type === 'tool_use').length,
    ).toBeGreaterThan(0);
    expect(stream.stopReason).toBe('tool_use');
  });

  it('writes a whole upstream answer in the client shape', () => {
    expect(answer.type).toBe('message');
  });
});
