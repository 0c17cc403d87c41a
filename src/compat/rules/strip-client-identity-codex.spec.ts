import { runRule } from '../__fixtures__/run-rule';
import { stripClientIdentityCodex } from './strip-client-identity-codex';

describe('ID1 strip-client-identity-codex', () => {
  it('removes client_metadata and keeps prompt_cache_key, every other byte as sent', () => {
    const out = runRule(
      stripClientIdentityCodex,
      'responses',
      '{"model":"gpt-5", "prompt_cache_key":"k-1", "client_metadata":{"x-codex-installation-id":"5b0c"},\n"input":"hi"}',
    );
    expect(out.changed).toBe(true);
    expect(out.body).toBe(
      '{"model":"gpt-5", "prompt_cache_key":"k-1", "input":"hi"}',
    );
  });

  it('leaves a body without client_metadata alone', () => {
    const body = '{"model":"gpt-5","prompt_cache_key":"k-1","input":"hi"}';
    const out = runRule(stripClientIdentityCodex, 'responses', body);
    expect(out.changed).toBe(false);
    expect(out.body).toBe(body);
  });
});
