import { cacheCarriers, claudeVersion } from './rule-helpers';

describe('rule helpers', () => {
  it.each([
    ['claude-opus-4.7', 4.7],
    ['claude-sonnet-4-5-20250929', 4.5],
    ['claude-sonnet-4-20250514', 4],
    ['claude-opus-4.8-fast', 4.8],
    ['claude-3-5-sonnet', 3.5],
    ['claude-opus-5', 5],
    ['gpt-5', undefined],
    [undefined, undefined],
  ])('reads the Claude version of %s', (model, version) => {
    expect(claudeVersion(model)).toBe(version);
  });

  it('finds every cache_control carrier, tool_result blocks marked nested', () => {
    const paths = cacheCarriers({
      system: [{ type: 'text' }],
      tools: [{ name: 't' }],
      messages: [
        {
          content: [
            { type: 'tool_result', content: [{ type: 'text' }] },
            'not a block',
          ],
        },
      ],
    }).map((c) => `${c.path.join('.')}${c.nested ? ' nested' : ''}`);
    expect(paths).toEqual([
      '',
      'system.0',
      'tools.0',
      'messages.0.content.0',
      'messages.0.content.0.content.0 nested',
    ]);
  });
});
