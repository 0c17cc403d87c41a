import { checkChatStream } from '../answers/__fixtures__/grammar';
import { runDirection } from './__fixtures__/run-direction';
import { chatToResponses } from './chat-to-responses';

describe('chat → responses', () => {
  const { upstreamBody, output, answer } = runDirection(chatToResponses, {
    model: 'gpt-5.1-codex',
    request: 'chat-tool-loop.chat.json',
    stream: 'responses-text',
  });

  it('is the direction it says', () => {
    expect(chatToResponses).toMatchObject({
      name: 'chat->responses',
      client: 'chat',
      upstream: 'responses',
    });
  });

  it('writes a recorded client request in the upstream API', () => {
    expect(upstreamBody.model).toBe('gpt-5.1-codex');
    expect(Array.isArray(upstreamBody.input)).toBe(true);
    expect(upstreamBody.store).toBe(false);
  });

  it('writes a recorded upstream stream in the client grammar, event by event', () => {
    const stream = checkChatStream(output);
    expect(stream.problems).toEqual([]);
    expect(stream.text.length).toBeGreaterThan(0);
    expect(stream.finishReason).toBe('stop');
  });

  it('writes a whole upstream answer in the client shape', () => {
    expect(answer.object).toBe('chat.completion');
  });
});
