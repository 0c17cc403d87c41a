import { checkMessagesStream } from '../answers/__fixtures__/grammar';
import { runDirection } from './__fixtures__/run-direction';
import { messagesToChat } from './messages-to-chat';

describe('messages → chat', () => {
  const { upstreamBody, output, answer } = runDirection(messagesToChat, {
    model: 'gemini-2.5-pro',
    request: 'cc-tool-loop.messages.json',
    stream: 'chat-text-then-tool',
  });

  it('is the direction it says', () => {
    expect(messagesToChat).toMatchObject({
      name: 'messages->chat',
      client: 'messages',
      upstream: 'chat',
    });
  });

  it('writes a recorded client request in the upstream API', () => {
    expect(upstreamBody.model).toBe('gemini-2.5-pro');
    expect(Array.isArray(upstreamBody.messages)).toBe(true);
    expect(upstreamBody.stream_options).toEqual({ include_usage: true });
  });

  it('writes a recorded upstream stream in the client grammar, event by event', () => {
    const stream = checkMessagesStream(output);
    expect(stream.problems).toEqual([]);
    expect(stream.content.map((b) => b.type)).toEqual(['text', 'tool_use']);
    expect(stream.stopReason).toBe('tool_use');
  });

  it('writes a whole upstream answer in the client shape', () => {
    expect(answer.type).toBe('message');
  });
});
