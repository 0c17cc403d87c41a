import type { BridgeNotes } from '../../ir';
import { readAssistantContent } from './read-messages-assistant';

function read(content: unknown) {
  const notes: BridgeNotes = { ignored: [] };
  const parts = readAssistantContent(
    { model: 'gpt-5.1-codex', notes },
    content,
    'messages[1].content',
  );
  return { parts, notes };
}

describe('readAssistantContent', () => {
  it('unpacks a signature the bridge packed from a Responses reasoning item', () => {
    expect(
      read([
        { type: 'thinking', thinking: 'Plan.', signature: 'gAAAAABenc@Yk9w' },
      ]).parts,
    ).toEqual([
      { type: 'reasoning', text: 'Plan.', encrypted: 'gAAAAABenc', id: 'Yk9w' },
    ]);
  });

  it.each([
    ['null', { type: 'thinking', thinking: null, signature: 'EqQBsig' }],
    ['missing', { type: 'thinking', signature: 'EqQBsig' }],
  ])(
    'reads a thinking text that is %s as empty, keeping the signature (M10)',
    (_what, block) => {
      expect(read([block]).parts).toEqual([
        { type: 'reasoning', text: '', signature: 'EqQBsig' },
      ]);
    },
  );

  it('reads an empty signature as none: nothing a model could verify', () => {
    expect(
      read([{ type: 'thinking', thinking: 'Hmm.', signature: '' }]).parts,
    ).toEqual([{ type: 'reasoning', text: 'Hmm.' }]);
  });

  it('keeps text, redacted thinking and tool calls in order', () => {
    expect(
      read([
        { type: 'redacted_thinking', data: 'r' },
        { type: 'text', text: 'Listing.' },
        { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { a: 1 } },
      ]).parts,
    ).toEqual([
      { type: 'reasoning', text: '', redacted: 'r' },
      { type: 'text', text: 'Listing.' },
      { type: 'tool-call', id: 'toolu_1', name: 'Bash', arguments: '{"a":1}' },
    ]);
  });
});
