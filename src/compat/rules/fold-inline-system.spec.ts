import { runRule } from '../__fixtures__/run-rule';
import { foldInlineSystem } from './fold-inline-system';

const MESSAGES =
  '"messages":[{"role":"user","content":"hi"},{"role":"system","content":[{"type":"text","text":"Be brief."}]}]';

describe('M9 fold-inline-system', () => {
  it('appends an inline system message to the system blocks on Claude below 4.8', () => {
    const body = `{"model":"claude-opus-4.7","system":[{"type":"text","text":"A"}],${MESSAGES}}`;
    const out = runRule(foldInlineSystem, 'messages', body);
    expect(out.changed).toBe(true);
    expect(out.body).toBe(
      '{"model":"claude-opus-4.7","system":[{"type":"text","text":"A"},{"type":"text","text":"Be brief."}],"messages":[{"role":"user","content":"hi"}]}',
    );
  });

  it('joins it to a system string, or makes one', () => {
    expect(
      JSON.parse(
        runRule(
          foldInlineSystem,
          'messages',
          `{"model":"claude-sonnet-4-5","system":"A",${MESSAGES}}`,
        ).body,
      ).system,
    ).toBe('A\n\nBe brief.');
    expect(
      JSON.parse(
        runRule(
          foldInlineSystem,
          'messages',
          `{"model":"claude-haiku-4.5",${MESSAGES}}`,
        ).body,
      ).system,
    ).toBe('Be brief.');
  });

  it('leaves Claude 4.8 and later, and unknown models, alone', () => {
    for (const model of ['claude-opus-4.8', 'claude-sonnet-5', 'mystery'])
      expect(
        runRule(
          foldInlineSystem,
          'messages',
          `{"model":"${model}",${MESSAGES}}`,
        ).changed,
      ).toBe(false);
  });
});
