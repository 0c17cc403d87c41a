import { runRule } from '../__fixtures__/run-rule';
import { reasoningEffortLow } from './reasoning-effort-low';

describe('R14 reasoning-effort-low', () => {
  it('sends minimal as low', () => {
    const out = runRule(
      reasoningEffortLow,
      'responses',
      '{"reasoning":{"effort":"minimal","summary":"auto"}}',
    );
    expect(out.changed).toBe(true);
    expect(out.body).toBe('{"reasoning":{"effort":"low","summary":"auto"}}');
    expect(
      runRule(
        reasoningEffortLow,
        'responses',
        '{"reasoning":{"effort":"high"}}',
      ).changed,
    ).toBe(false);
  });
});
