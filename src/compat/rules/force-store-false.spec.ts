import { runRule } from '../__fixtures__/run-rule';
import { forceStoreFalse } from './force-store-false';

describe('R1 force-store-false', () => {
  it('sends store: true as false, nothing else changed', () => {
    const out = runRule(
      forceStoreFalse,
      'responses',
      '{"model":"gpt-5","store":true,"input":"hi"}',
    );
    expect(out.body).toBe('{"model":"gpt-5","store":false,"input":"hi"}');
    expect(out.changed).toBe(true);
  });

  it('leaves store: false and an absent store alone', () => {
    for (const body of ['{"store":false}', '{"input":"hi"}'])
      expect(runRule(forceStoreFalse, 'responses', body).changed).toBe(false);
  });
});
