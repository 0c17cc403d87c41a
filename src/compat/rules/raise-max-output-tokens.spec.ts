import { runRule } from '../__fixtures__/run-rule';
import { raiseMaxOutputTokens } from './raise-max-output-tokens';

describe('R11 raise-max-output-tokens', () => {
  it('raises a value below 16 to 16', () => {
    const out = runRule(
      raiseMaxOutputTokens,
      'responses',
      '{"max_output_tokens": 1,"input":"Hi"}',
    );
    expect(out.changed).toBe(true);
    expect(out.body).toBe('{"max_output_tokens": 16,"input":"Hi"}');
  });

  it('leaves 16 and more alone', () => {
    expect(
      runRule(raiseMaxOutputTokens, 'responses', '{"max_output_tokens":16}')
        .changed,
    ).toBe(false);
  });
});
