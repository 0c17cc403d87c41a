import { checkResponsesStream } from '../answers/__fixtures__/grammar';
import { runDirection } from './__fixtures__/run-direction';
import { responsesToChat } from './responses-to-chat';

describe('responses → chat', () => {
  const { upstreamBody, output, answer } = runDirection(responsesToChat, {
    model: 'gemini-2.5-pro',
    request: 'codex-tool-loop.responses.json',
    stream: 'chat-parallel-tool-calls',
  });

  it('is the direction it says', () => {
    expect(responsesToChat).toMatchObject({
      name: 'responses->chat',
      client: 'responses',
      upstream: 'chat',
    });
  });

  it('writes a recorded client request in the upstream API', () => {
    expect(upstreamBody.model).toBe('gemini-2.5-pro');
    expect(Array.isArray(upstreamBody.messages)).toBe(true);
    expect(upstreamBody.stream_options).toEqual({ include_usage: true });
  });

  it('writes a recorded upstream stream in the client grammar, event by event', () => {
    const stream = checkResponsesStream(output);
    expect(stream.problems).toEqual([]);
    expect(stream.items.filter((i) => i.type === 'function_call')).toHaveLength(
      2,
    );
    expect(stream.terminal).toBe('response.completed');
  });

  it('writes a whole upstream answer in the client shape', () => {
    expect(answer.object).toBe('response');
  });
});
