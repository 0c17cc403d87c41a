import { contentBytes } from './content-bytes';

describe('contentBytes', () => {
  it('measures the generated text of each answer shape', () => {
    const chat = Buffer.from(
      'data: {"choices":[{"delta":{"content":"Hello"}}]}\n\n',
    );
    const anthropic = Buffer.from(
      'data: {"delta":{"type":"text_delta","text":"Hi there"}}',
    );
    const tool = Buffer.from(
      '{"delta":{"type":"input_json_delta","partial_json":"{\\"a\\":1}"}}',
    );
    const responses = Buffer.from(
      '{"type":"response.output_text.delta","delta":"abc"}',
    );
    expect(contentBytes(chat)).toBe(5);
    expect(contentBytes(anthropic)).toBe(8);
    expect(contentBytes(tool)).toBe('{\\"a\\":1}'.length);
    expect(contentBytes(responses)).toBe(3);
  });

  it('skips escaped quotes and counts a string cut at the end up to there', () => {
    expect(contentBytes(Buffer.from('{"content":"say \\"hi\\"","x":1}'))).toBe(
      'say \\"hi\\"'.length,
    );
    expect(contentBytes(Buffer.from('{"text":"unfinish'))).toBe(8);
  });

  it('is 0 for bytes without generated text', () => {
    expect(contentBytes(Buffer.from('data: [DONE]'))).toBe(0);
  });
});
