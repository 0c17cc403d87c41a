import { runRule } from '../__fixtures__/run-rule';
import { fillThinkingText } from './fill-thinking-text';

describe('M10 fill-thinking-text', () => {
  it('sends a null or missing thinking as ""', () => {
    const body =
      '{"messages":[{"role":"assistant","content":[{"type":"thinking","thinking":null,"signature":"s"},{"type":"thinking","signature":"t"}]}]}';
    const out = runRule(fillThinkingText, 'messages', body);
    expect(out.changed).toBe(true);
    expect(out.body).toBe(
      '{"messages":[{"role":"assistant","content":[{"type":"thinking","thinking":"","signature":"s"},{"type":"thinking","signature":"t","thinking":""}]}]}',
    );
  });

  it('leaves a thinking text alone', () => {
    expect(
      runRule(
        fillThinkingText,
        'messages',
        '{"messages":[{"content":[{"type":"thinking","thinking":""}]}]}',
      ).changed,
    ).toBe(false);
  });
});
