import { runRule } from '../__fixtures__/run-rule';
import { stripEagerInputStreaming } from './strip-eager-input-streaming';

describe('M6 strip-eager-input-streaming', () => {
  it('removes the field from every tool that has it', () => {
    const body =
      '{"tools":[{"name":"a","eager_input_streaming":true,"input_schema":{}},{"name":"b"}]}';
    const out = runRule(stripEagerInputStreaming, 'messages', body);
    expect(out.changed).toBe(true);
    expect(out.body).toBe(body.replace('"eager_input_streaming":true,', ''));
    expect(
      runRule(stripEagerInputStreaming, 'messages', '{"tools":[{"name":"b"}]}')
        .changed,
    ).toBe(false);
  });
});
