import { runRule } from '../__fixtures__/run-rule';
import { assistantOutputText } from './assistant-output-text';

describe('R12 assistant-output-text', () => {
  it("rewrites an assistant message's input_text parts to output_text", () => {
    const body =
      '{"input":[{"role":"user","content":[{"type":"input_text","text":"a"}]},{"type":"message","role":"assistant","content":[{"type":"input_text","text":"b"}]}]}';
    const out = runRule(assistantOutputText, 'responses', body);
    expect(out.changed).toBe(true);
    expect(out.body).toBe(
      body.replace('"input_text","text":"b"', '"output_text","text":"b"'),
    );
  });

  it('leaves user input_text alone', () => {
    expect(
      runRule(
        assistantOutputText,
        'responses',
        '{"input":[{"role":"user","content":[{"type":"input_text"}]}]}',
      ).changed,
    ).toBe(false);
  });
});
