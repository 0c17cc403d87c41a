import { runRule } from '../__fixtures__/run-rule';
import { addContextManagementBeta } from './add-context-management-beta';

const WITH = '{"model":"claude-opus-4.7","context_management":{"edits":[]}}';

describe('M7 add-context-management-beta', () => {
  it('adds the beta when the body has context_management', () => {
    const out = runRule(addContextManagementBeta, 'messages', WITH, {
      headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' },
    });
    expect(out.changed).toBe(true);
    expect(out.body).toBe(WITH);
    expect(out.headers['anthropic-beta']).toBe(
      'interleaved-thinking-2025-05-14,context-management-2025-06-27',
    );
    expect(
      runRule(addContextManagementBeta, 'count_tokens', WITH).headers[
        'anthropic-beta'
      ],
    ).toBe('context-management-2025-06-27');
  });

  it('leaves a body without it, or a header that has it, alone', () => {
    expect(
      runRule(addContextManagementBeta, 'messages', '{"model":"m"}').changed,
    ).toBe(false);
    expect(
      runRule(addContextManagementBeta, 'messages', WITH, {
        headers: { 'Anthropic-Beta': 'context-management-2025-06-27' },
      }).changed,
    ).toBe(false);
  });
});
