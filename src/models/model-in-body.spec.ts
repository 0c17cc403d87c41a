import { modelValueSpan, withModel } from './model-in-body';

const edit = (json: string, id: string) =>
  withModel(Buffer.from(json), id)?.toString('utf8');

describe('withModel', () => {
  it('changes only the top-level model value, byte for byte elsewhere', () => {
    const body =
      '{ "messages": [{"role":"user","content":"say \\"model\\": x","model":"inner"}],\n  "model" :  "claude-haiku-4-5-20251001", "stream":true }';
    expect(edit(body, 'claude-haiku-4.5')).toBe(
      body.replace('"claude-haiku-4-5-20251001"', '"claude-haiku-4.5"'),
    );
  });

  it('finds the model after nested objects with a "model" key', () => {
    const body = '{"metadata":{"model":"x"},"model":"a"}';
    expect(edit(body, 'b')).toBe('{"metadata":{"model":"x"},"model":"b"}');
  });

  it('is undefined without a string model at the top level', () => {
    for (const body of [
      '{"messages":[]}',
      '{"model":5}',
      '["model","x"]',
      '{"a":{"model":"x"}}',
      '{"model":"unterminated',
    ]) {
      expect(modelValueSpan(Buffer.from(body))).toBeUndefined();
    }
  });
});
