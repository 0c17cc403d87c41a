import { readChatReasoning } from './read-chat-reasoning';

describe('readChatReasoning', () => {
  it('reads nothing from a message without reasoning fields', () => {
    expect(readChatReasoning({ role: 'assistant', content: 'Hi' }, 'm')).toBe(
      undefined,
    );
  });

  it('unpacks a Responses reasoning item the bridge packed into reasoning_opaque', () => {
    expect(
      readChatReasoning(
        {
          role: 'assistant',
          reasoning_text: 'Plan.',
          reasoning_opaque: 'gAAAAABenc@rs_abc',
        },
        'messages[1]',
      ),
    ).toEqual({
      type: 'reasoning',
      text: 'Plan.',
      encrypted: 'gAAAAABenc',
      id: 'rs_abc',
    });
  });

  it('keeps any other opaque token as a signature, and text without one', () => {
    expect(
      readChatReasoning({ reasoning_opaque: 'EqQBsig==' }, 'messages[1]'),
    ).toEqual({ type: 'reasoning', text: '', signature: 'EqQBsig==' });
    expect(readChatReasoning({ reasoning_text: 'Hmm.' }, 'm')).toEqual({
      type: 'reasoning',
      text: 'Hmm.',
    });
  });

  it('refuses a reasoning field that is not a string, naming it', () => {
    expect(() =>
      readChatReasoning({ reasoning_opaque: 7 }, 'messages[1]'),
    ).toThrow('messages[1].reasoning_opaque');
  });
});
