import { chatModels, modelEntries, serves } from './account-models';

describe('modelEntries', () => {
  it('keeps entries with a printable id and drops the rest', () => {
    expect(
      modelEntries([
        { id: 'gpt-4o' },
        { id: 'x\nexport EVIL=1' },
        { id: 'has space' },
        { id: '' },
        { id: 42 },
        null,
        'gpt-4.1',
      ]).map((m) => m.id),
    ).toEqual(['gpt-4o']);
  });
});

describe('chatModels', () => {
  it('keeps chat models, and sets apart those not enabled', () => {
    const { usable, notEnabled } = chatModels([
      { id: 'gpt-4o' },
      { id: 'gpt-4.1', capabilities: { type: 'chat' } },
      { id: 'text-embedding-3-small', capabilities: { type: 'embeddings' } },
      { id: 'claude-opus-4.6', policy: { state: 'enabled' } },
      { id: 'claude-opus-4.5', policy: { state: 'disabled' } },
      { id: 'gemini-2.5-pro', policy: { state: 'unconfigured' } },
    ]);
    expect(usable.map((m) => m.id)).toEqual([
      'gpt-4o',
      'gpt-4.1',
      'claude-opus-4.6',
    ]);
    expect(notEnabled.map((m) => m.id)).toEqual([
      'claude-opus-4.5',
      'gemini-2.5-pro',
    ]);
  });
});

describe('serves', () => {
  it('reads supported_endpoints, absent meaning none listed', () => {
    expect(
      serves({ id: 'a', supported_endpoints: ['/responses'] }, '/responses'),
    ).toBe(true);
    expect(
      serves(
        { id: 'a', supported_endpoints: ['/chat/completions'] },
        '/responses',
      ),
    ).toBe(false);
    expect(serves({ id: 'a' }, '/responses')).toBe(false);
  });
});
