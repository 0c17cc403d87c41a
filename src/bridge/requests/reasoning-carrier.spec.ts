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

  it.each<
    [
      { signature?: string; encrypted?: string },
      string | undefined,
      string | undefined,
    ]
  >([
    [{ signature: 'EqQBsig' }, 'rs_1', 'EqQBsig'],
    [{ encrypted: 'gAAAenc' }, 'rs_1', 'gAAAenc@rs_1'],
    [{ encrypted: 'gAAAenc' }, undefined, 'gAAAenc@'],
    [{}, 'rs_1', undefined],
  ])('carries %j (item %s) as %j', (part, itemId, token) => {
    expect(carriedToken(part, itemId)).toBe(token);
    if (token?.includes('@')) {
      expect(readThinkingSignature(token)).toEqual({
        encrypted: part.encrypted,
        ...(itemId && { id: itemId }),
      });
    }
  });
});
