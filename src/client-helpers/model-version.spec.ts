import { modelVersion, newestFirst } from './model-version';

const sorted = (ids: string[]) => [...ids].sort(newestFirst);

describe('modelVersion', () => {
  it('reads dotted and dashed versions alike', () => {
    expect(modelVersion('claude-opus-4.6').version).toEqual([4, 6]);
    expect(modelVersion('claude-opus-4-6').version).toEqual([4, 6]);
    expect(modelVersion('claude-3-5-sonnet').version).toEqual([3, 5]);
    expect(modelVersion('gpt-5.1-codex').version).toEqual([5, 1]);
    expect(modelVersion('gpt-5-codex').version).toEqual([5]);
    expect(modelVersion('gpt-4o').version).toEqual([4]);
    expect(modelVersion('gemini-2.5-pro').version).toEqual([2, 5]);
  });

  it('takes dates and snapshot numbers apart from the version', () => {
    expect(modelVersion('claude-sonnet-4-5-20250929')).toEqual({
      version: [4, 5],
      snapshot: 20250929,
    });
    expect(modelVersion('gpt-4o-2024-11-20')).toEqual({
      version: [4],
      snapshot: 20241120,
    });
    expect(modelVersion('gpt-3.5-turbo-0613')).toEqual({
      version: [3, 5],
      snapshot: 613,
    });
    expect(modelVersion('claude-sonnet-4')).toEqual({
      version: [4],
      snapshot: 0,
    });
  });

  it('does not read a variant glued to letters as a version part', () => {
    expect(modelVersion('claude-opus-4.6-1m').version).toEqual([4, 6]);
  });

  it('finds no version in an id without digits', () => {
    expect(modelVersion('claude-next').version).toEqual([]);
  });
});

describe('newestFirst', () => {
  it('orders Claude ids by version, dotted and dashed mixed', () => {
    expect(
      sorted(['claude-opus-4', 'claude-opus-4-6', 'claude-opus-4.5']),
    ).toEqual(['claude-opus-4-6', 'claude-opus-4.5', 'claude-opus-4']);
    expect(
      sorted(['claude-opus-4.1', 'claude-opus-4.10', 'claude-opus-4.9']),
    ).toEqual(['claude-opus-4.10', 'claude-opus-4.9', 'claude-opus-4.1']);
  });

  it('orders GPT ids by version', () => {
    expect(sorted(['gpt-5-codex', 'gpt-5.1-codex', 'gpt-4.1'])).toEqual([
      'gpt-5.1-codex',
      'gpt-5-codex',
      'gpt-4.1',
    ]);
    expect(sorted(['gpt-4o', 'gpt-4.1'])).toEqual(['gpt-4.1', 'gpt-4o']);
  });

  it('ranks by version before the date', () => {
    expect(
      sorted([
        'claude-sonnet-4-5-20250929',
        'claude-sonnet-4-20250514',
        'claude-sonnet-4.6',
      ]),
    ).toEqual([
      'claude-sonnet-4.6',
      'claude-sonnet-4-5-20250929',
      'claude-sonnet-4-20250514',
    ]);
  });

  it('puts the undated alias first, then the later snapshot', () => {
    expect(
      sorted([
        'gpt-4o-2024-05-13',
        'gpt-4o-2024-11-20',
        'gpt-4o',
        'gpt-4o-2024-08-06',
      ]),
    ).toEqual([
      'gpt-4o',
      'gpt-4o-2024-11-20',
      'gpt-4o-2024-08-06',
      'gpt-4o-2024-05-13',
    ]);
  });

  it('puts the plain model before its variants of the same version', () => {
    expect(
      sorted(['gpt-5.1-codex-mini', 'gpt-5.1-codex', 'gpt-5.1-codex-max']),
    ).toEqual(['gpt-5.1-codex', 'gpt-5.1-codex-max', 'gpt-5.1-codex-mini']);
  });

  it('gives the same order whatever the input order', () => {
    const ids = ['b-1', 'a-1', 'c-2', 'a-1-x'];
    expect(sorted(ids)).toEqual(sorted([...ids].reverse()));
    expect(sorted(ids)).toEqual(['c-2', 'a-1', 'b-1', 'a-1-x']);
  });
});
