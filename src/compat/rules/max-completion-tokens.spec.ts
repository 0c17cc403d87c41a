import { runRule } from '../__fixtures__/run-rule';
import { maxCompletionTokens } from './max-completion-tokens';

const run = (body: string) => runRule(maxCompletionTokens, 'chat', body);

describe('C1 max-completion-tokens', () => {
  it.each(['gpt-5', 'gpt-5.4-mini', 'o3', 'o4-mini'])(
    'renames max_tokens in place for %s',
    (model) => {
      const body = `{"model":"${model}","max_tokens": 50,"messages":[]}`;
      const out = run(body);
      expect(out.changed).toBe(true);
      expect(out.body).toBe(
        body.replace('"max_tokens"', '"max_completion_tokens"'),
      );
    },
  );

  it('drops max_tokens when max_completion_tokens is there', () => {
    expect(
      run('{"model":"gpt-5","max_tokens":5,"max_completion_tokens":9}').body,
    ).toBe('{"model":"gpt-5","max_completion_tokens":9}');
  });

  it('leaves older models and bodies without it alone', () => {
    expect(run('{"model":"gpt-4.1","max_tokens":5}').changed).toBe(false);
    expect(run('{"model":"claude-sonnet-4.5","max_tokens":5}').changed).toBe(
      false,
    );
    expect(run('{"model":"gpt-5"}').changed).toBe(false);
  });
});
