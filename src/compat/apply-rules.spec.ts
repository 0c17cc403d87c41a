import { applyRules } from './apply-rules';
import { REQUEST_RULES } from './rules';

const BILLING =
  'x-anthropic-billing-header: cc_version=2.1.332.0b8; cc_entrypoint=sdk-cli;';

function run(body: object) {
  const result = applyRules(REQUEST_RULES, {
    api: 'messages',
    model: 'claude-sonnet-4.5',
    bytes: Buffer.from(JSON.stringify(body)),
    headers: {},
    translated: false,
  });
  return {
    applied: result.applied,
    body: JSON.parse(result.bytes!.toString()) as {
      system?: unknown;
      messages: { role: string }[];
    },
  };
}

describe('applyRules: two rules on one place', () => {
  const inline = { role: 'system', content: 'Be brief.' };
  const user = { role: 'user', content: 'hi' };

  it('folds inline system text into a system string and still drops the billing line (m9, c4)', () => {
    const out = run({
      model: 'claude-sonnet-4.5',
      max_tokens: 10,
      system: `${BILLING}\nYou are X`,
      messages: [user, inline],
    });
    expect(out.body.system).toBe('You are X\n\nBe brief.');
    expect(JSON.stringify(out.body)).not.toContain(
      'x-anthropic-billing-header',
    );
    expect(out.body.messages).toEqual([user]);
    expect(out.applied).toEqual(
      expect.arrayContaining(['inline-system', 'billing-header']),
    );
  });

  it('keeps the folded text when the billing block was all the system had (m9, c4)', () => {
    const out = run({
      model: 'claude-sonnet-4.5',
      max_tokens: 10,
      system: [{ type: 'text', text: BILLING }],
      messages: [user, inline],
    });
    expect(JSON.stringify(out.body)).not.toContain(
      'x-anthropic-billing-header',
    );
    expect(JSON.stringify(out.body.system)).toContain('Be brief.');
    expect(out.body.messages).toEqual([user]);
  });
});
