import { runRule } from '../__fixtures__/run-rule';
import { stripClientIdentityClaudeCode } from './strip-client-identity-claude-code';

const USER_ID = 'user_ab12_account_9f1e_session_0c3d';

describe('ID2 strip-client-identity-claude-code', () => {
  it('removes metadata when user_id is all it holds', () => {
    const out = runRule(
      stripClientIdentityClaudeCode,
      'messages',
      `{"model":"claude-sonnet-4.5","metadata":{"user_id":"${USER_ID}"},"max_tokens":10}`,
    );
    expect(out.changed).toBe(true);
    expect(out.body).toBe('{"model":"claude-sonnet-4.5","max_tokens":10}');
  });

  it('removes user_id alone when metadata holds more', () => {
    const out = runRule(
      stripClientIdentityClaudeCode,
      'messages',
      `{"metadata":{"user_id":"${USER_ID}", "tag":"x"},"max_tokens":10}`,
    );
    expect(out.body).toBe('{"metadata":{"tag":"x"},"max_tokens":10}');
  });

  it('leaves a body without metadata.user_id alone', () => {
    for (const body of [
      '{"max_tokens":10}',
      '{"metadata":{"tag":"x"}}',
      '{"metadata":null}',
    ])
      expect(
        runRule(stripClientIdentityClaudeCode, 'messages', body).changed,
      ).toBe(false);
  });
});
