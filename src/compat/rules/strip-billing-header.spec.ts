import { runRule } from '../__fixtures__/run-rule';
import { stripBillingHeader } from './strip-billing-header';

const LINE =
  'x-anthropic-billing-header: cc_version=2.1.332.0b8; cc_entrypoint=sdk-cli;';

describe('C4 strip-billing-header', () => {
  it('removes a Messages system block that is only the line', () => {
    const body = JSON.stringify({
      system: [
        { type: 'text', text: LINE },
        {
          type: 'text',
          text: 'You are Claude.',
          cache_control: { type: 'ephemeral' },
        },
      ],
      messages: [],
    });
    const out = runRule(stripBillingHeader, 'messages', body);
    expect(out.changed).toBe(true);
    expect(out.body).toBe(
      body.replace(`{"type":"text","text":"${LINE}"},`, ''),
    );
  });

  it('cuts the line from a system string, keeping the rest', () => {
    const body = JSON.stringify({ system: `${LINE}\nYou are Claude.` });
    expect(runRule(stripBillingHeader, 'count_tokens', body).body).toBe(
      '{"system":"You are Claude."}',
    );
    expect(
      runRule(
        stripBillingHeader,
        'messages',
        JSON.stringify({ system: LINE, a: 1 }),
      ).body,
    ).toBe('{"a":1}');
  });

  it('cuts it from a Chat system message, and drops a message of the line alone', () => {
    const body = JSON.stringify({
      messages: [
        { role: 'system', content: LINE },
        {
          role: 'system',
          content: [{ type: 'text', text: `${LINE}\n\nBe brief.` }],
        },
        { role: 'user', content: `${LINE} is what I saw` },
      ],
    });
    const out = runRule(stripBillingHeader, 'chat', body);
    expect(out.changed).toBe(true);
    expect(JSON.parse(out.body)).toEqual({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: `${LINE} is what I saw` },
      ],
    });
  });

  it('leaves a system prompt without the line alone', () => {
    expect(
      runRule(
        stripBillingHeader,
        'messages',
        '{"system":"You mention x-anthropic-billing-header: later"}',
      ).changed,
    ).toBe(false);
  });
});
