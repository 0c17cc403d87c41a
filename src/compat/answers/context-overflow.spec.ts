import { contextOverflow } from './context-overflow';
import { runError } from './__fixtures__/run-error';

/** M12, as Copilot sends it on `/v1/messages`. */
const MESSAGES_OVERFLOW =
  '{"type":"error","error":{"type":"invalid_request_error","message":"Request body is too large for model context window (max 200000 tokens)"}}';
/** C14, on chat and `/responses`. */
const CHAT_OVERFLOW =
  '{"error":{"code":"model_max_prompt_tokens_exceeded","message":"prompt token count of 93854 exceeds the limit of 90000"}}';

describe('contextOverflow (M12/C14)', () => {
  it("gives an Anthropic client invalid_request_error starting 'prompt is too long'", () => {
    for (const body of [MESSAGES_OVERFLOW, CHAT_OVERFLOW]) {
      const out = runError([contextOverflow], {
        status: 400,
        body,
        anthropic: true,
      });
      const error = JSON.parse(out.body);
      expect(out.status).toBe(400);
      expect(error.type).toBe('error');
      expect(error.error.type).toBe('invalid_request_error');
      expect(error.error.message).toMatch(/^prompt is too long: /);
      expect(error.error.message).toContain(JSON.parse(body).error.message);
      expect(out.headers['Content-Type']).toBe(
        'application/json; charset=utf-8',
      );
      expect(out.headers['Content-Length']).toBe(
        String(Buffer.byteLength(out.body)),
      );
      expect(out.applied).toEqual(['prompt-too-long']);
    }
  });

  it("gives an OpenAI client Copilot's message with the code context_length_exceeded", () => {
    const out = runError([contextOverflow], {
      status: 400,
      body: CHAT_OVERFLOW,
    });
    expect(JSON.parse(out.body)).toEqual({
      error: {
        message: 'prompt token count of 93854 exceeds the limit of 90000',
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
        param: null,
      },
    });
  });

  it('writes the OpenAI shape for the bridge when the answer is translated', () => {
    const bridge = { text: '' };
    const out = runError([contextOverflow], {
      status: 400,
      body: CHAT_OVERFLOW,
      anthropic: true,
      inner: {
        chunk: (c) => ((bridge.text += c.toString()), ''),
        end: () => `bridge wrote: ${bridge.text}`,
        fail: () => undefined,
      },
    });
    const read = JSON.parse(out.body.replace('bridge wrote: ', ''));
    expect(read.error.message).toMatch(
      /^prompt is too long: prompt token count/,
    );
    expect(read.error.code).toBe('context_length_exceeded');
  });

  it('leaves other errors alone', () => {
    const body =
      '{"error":{"message":"Unsupported parameter: \'top_p\'","code":"invalid_request_body"}}';
    const out = runError([contextOverflow], {
      status: 400,
      body,
      anthropic: true,
    });
    expect(out.body).toBe(body);
    expect(out.applied).toEqual([]);
    expect(out.headers['content-type']).toBe('text/plain; charset=utf-8');
  });
});
