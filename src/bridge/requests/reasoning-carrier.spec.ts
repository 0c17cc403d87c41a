import {
  carriedToken,
  packResponsesReasoning,
  readThinkingSignature,
} from './reasoning-carrier';

describe('reasoning-carrier', () => {
  it('keeps an Anthropic signature as a signature', () => {
    expect(readThinkingSignature('EqQBCkgIARABGAIiQL+/x=')).toEqual({
      signature: 'EqQBCkgIARABGAIiQL+/x=',
    });
  });

  it('unpacks a packed Responses reasoning item', () => {
    const packed = packResponsesReasoning('gAAAAABo-enc_', 'rs_123');
    expect(packed).toBe('gAAAAABo-enc_@rs_123');
    expect(readThinkingSignature(packed)).toEqual({
      encrypted: 'gAAAAABo-enc_',
      id: 'rs_123',
    });
  });

  it('unpacks an item without id', () => {
    expect(readThinkingSignature(packResponsesReasoning('gAAA'))).toEqual({
      encrypted: 'gAAA',
    });
  });

  it.each([
    [{ signature: 'EqQBsig' }, 'EqQBsig'],
    [{ encrypted: 'gAAAenc', id: 'rs_1' }, 'gAAAenc@rs_1'],
    [{ encrypted: 'gAAAenc', itemId: 'Zk9v' }, 'gAAAenc@Zk9v'],
    [{ encrypted: 'gAAAenc' }, 'gAAAenc@'],
    [{}, undefined],
  ])('carries %j as %j', (part, token) => {
    expect(carriedToken(part)).toBe(token);
    if (token?.includes('@')) {
      const { id, itemId, encrypted } = part as Record<string, string>;
      expect(readThinkingSignature(token)).toEqual({
        encrypted,
        ...((itemId ?? id) && { id: itemId ?? id }),
      });
    }
  });
});
