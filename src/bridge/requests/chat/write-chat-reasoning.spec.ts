import type { BridgeMessage, BridgeNotes, Json } from '../../ir';
import { writeReasoningHistory } from './write-chat-reasoning';

type Content = Extract<BridgeMessage, { role: 'assistant' }>['content'];

function write(model: string, content: Content) {
  const notes: BridgeNotes = { ignored: [] };
  const message: Json = { role: 'assistant', content: 'x' };
  writeReasoningHistory(message, content, model, notes);
  return { message, notes };
}

describe('writeReasoningHistory', () => {
  it('gives Gemini its thought signature back, without an empty reasoning_text', () => {
    expect(
      write('gemini-2.5-pro', [
        { type: 'reasoning', text: '', signature: 'CiQBsig' },
      ]),
    ).toEqual({
      message: { role: 'assistant', content: 'x', reasoning_opaque: 'CiQBsig' },
      notes: { ignored: [] },
    });
  });

  it('gives Claude what a Responses client kept as encrypted_content, unaltered', () => {
    expect(
      write('claude-sonnet-4.5', [
        { type: 'reasoning', text: 'Plan.', encrypted: 'EqQBsig', id: 'rs_1' },
      ]).message,
    ).toEqual({
      role: 'assistant',
      content: 'x',
      reasoning_text: 'Plan.',
      reasoning_opaque: 'EqQBsig',
    });
  });

  it.each([
    ['packed from a Responses item', { encrypted: 'gAAAAABenc', id: 'rs_1' }],
    ['kept by a Responses client', { encrypted: 'gAAAAABpZ2Vu' }],
  ])(
    'leaves out a Responses model’s encrypted content (%s) with a note: Claude could not verify it (M10)',
    (_what, token) => {
      const { message, notes } = write('claude-sonnet-4.5', [
        { type: 'reasoning', text: 'GPT thought.', ...token },
      ]);
      expect(message).toEqual({ role: 'assistant', content: 'x' });
      expect(notes.ignored).toEqual(['reasoning-history']);
    },
  );

  it('carries the first signed reasoning and notes the rest', () => {
    const { message, notes } = write('claude-sonnet-4.5', [
      { type: 'reasoning', text: '', redacted: 'r' },
      { type: 'reasoning', text: 'one', signature: 's1' },
      { type: 'reasoning', text: 'two', signature: 's2' },
    ]);
    expect(message.reasoning_opaque).toBe('s1');
    expect(notes.ignored).toEqual(['reasoning-history']);
  });

  it('gives a model that takes no reasoning back none, with a note', () => {
    const { message, notes } = write('gpt-4.1', [
      { type: 'reasoning', text: 't', signature: 's' },
    ]);
    expect(message).toEqual({ role: 'assistant', content: 'x' });
    expect(notes.ignored).toEqual(['reasoning-history']);
  });
});
