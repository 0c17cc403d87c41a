import { runRule } from '../__fixtures__/run-rule';
import { filterAnthropicBeta } from './filter-anthropic-beta';

const BODY = '{"model":"claude-sonnet-4.5","messages":[]}';

function beta(value: string | undefined) {
  const out = runRule(filterAnthropicBeta, 'messages', BODY, {
    headers: value === undefined ? {} : { 'Anthropic-Beta': value },
  });
  expect(out.body).toBe(BODY);
  return { changed: out.changed, header: out.headers['anthropic-beta'] };
}

describe('M1 filter-anthropic-beta', () => {
  it("keeps only the betas Copilot takes, in the client's order", () => {
    expect(
      beta(
        'claude-code-20250219,interleaved-thinking-2025-05-14, context-management-2025-06-27,thinking-token-count-2026-05-13,prompt-caching-scope-2026-01-05',
      ),
    ).toEqual({
      changed: true,
      header: 'interleaved-thinking-2025-05-14,context-management-2025-06-27',
    });
  });

  it('removes the header when no value is left, and de-duplicates', () => {
    expect(beta('claude-code-20250219')).toEqual({
      changed: true,
      header: undefined,
    });
    expect(
      beta('advanced-tool-use-2025-11-20,advanced-tool-use-2025-11-20'),
    ).toEqual({ changed: true, header: 'advanced-tool-use-2025-11-20' });
  });

  it('leaves an allowed header and an absent one alone', () => {
    expect(beta('interleaved-thinking-2025-05-14').changed).toBe(false);
    expect(beta(undefined).changed).toBe(false);
  });
});
