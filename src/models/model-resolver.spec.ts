import { resolveModel } from './model-resolver';

const LISTED = new Set([
  'claude-haiku-4.5',
  'claude-sonnet-4',
  'claude-sonnet-4.5',
  'claude-opus-4.6',
  'gpt-5.1-codex',
  'gpt-4.1',
]);
const listed = (id: string) => LISTED.has(id);

describe('resolveModel', () => {
  it.each([
    ['claude-sonnet-4.5', 'claude-sonnet-4.5'],
    ['claude-haiku-4-5', 'claude-haiku-4.5'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4.5'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4.5'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['claude-opus-4-6', 'claude-opus-4.6'],
  ])('%s → %s', (requested, id) => {
    expect(resolveModel(requested, listed)).toBe(id);
  });

  it.each(['claude-opus-4-8', 'gpt-9', 'claude-haiku-3-5-20241022', ''])(
    'leaves %s unresolved (Copilot answers it)',
    (requested) => {
      expect(resolveModel(requested, listed)).toBeUndefined();
    },
  );

  it('takes an alias from configuration, only to a listed id', () => {
    const aliases = new Map([
      ['opus', 'claude-opus-4.6'],
      ['gone', 'claude-2'],
    ]);
    expect(resolveModel('opus', listed, aliases)).toBe('claude-opus-4.6');
    expect(resolveModel('gone', listed, aliases)).toBeUndefined();
  });

  it('resolves nothing when two listed ids would match', () => {
    const both = new Set(['m-4-5', 'm-4.5']);
    expect(
      resolveModel('m-4-5-20250101', (id) => both.has(id)),
    ).toBeUndefined();
  });
});
