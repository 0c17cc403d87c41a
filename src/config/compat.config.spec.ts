import { EnvReader } from './env-reader';
import { readCompatConfig, ruleOn } from './compat.config';

describe('compat config', () => {
  it('turns every default rule on, and switches by id', () => {
    const on = readCompatConfig(new EnvReader({}));
    expect(ruleOn(on, 'r1')).toBe(true);
    const off = readCompatConfig(new EnvReader({ COMPAT_RULES: ' -R1 ' }));
    expect(ruleOn(off, 'r1')).toBe(false);
    expect(
      ruleOn(readCompatConfig(new EnvReader({ COMPAT: 'off' })), 'r1'),
    ).toBe(false);
  });

  it('names an unknown rule id as a problem', () => {
    const env = new EnvReader({ COMPAT_RULES: '-r1,-zz9,bogus!' });
    readCompatConfig(env);
    expect(env.problems).toHaveLength(2);
    expect(env.problems[0]).toContain('COMPAT_RULES');
    expect(env.problems[0]).toContain('"-zz9"');
  });
});
