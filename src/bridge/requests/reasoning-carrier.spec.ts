import {
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
});
