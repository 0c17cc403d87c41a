import { anthropicErrorShape } from './anthropic-error-shape';
import { runError } from './__fixtures__/run-error';

describe('anthropicErrorShape (G4)', () => {
  it.each([
    [
      "Copilot's own envelope",
      '{"error":{"message":"messages.1.content.0: Invalid signature in thinking block","code":"invalid_request_body"}}',
      'messages.1.content.0: Invalid signature in thinking block',
    ],
    [
      'the not-enabled model (OpenAI shape)',
      '{"error":{"message":"The requested model is not supported.","code":"model_not_supported","param":"model","type":"invalid_request_error"}}',
      'The requested model is not supported.',
    ],
    [
      'a bare schema error',
      '{"message":"tools.0.custom.eager_input_streaming: Extra inputs are not permitted"}',
      'tools.0.custom.eager_input_streaming: Extra inputs are not permitted',
    ],
  ])("writes %s in Anthropic's shape with its message", (_, body, message) => {
    const out = runError([anthropicErrorShape], {
      status: 400,
      body,
      anthropic: true,
    });
    expect(JSON.parse(out.body)).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message },
    });
    expect(out.status).toBe(400);
    expect(out.applied).toEqual(['anthropic-errors']);
  });

  it('gives each status the type Anthropic gives it', () => {
    const out = runError([anthropicErrorShape], {
      status: 403,
      body: '{"error":{"message":"Forbidden by policy","code":"forbidden"}}',
      anthropic: true,
    });
    expect(JSON.parse(out.body).error.type).toBe('permission_error');
  });

  it("leaves Anthropic's own shape, and OpenAI clients' errors, alone", () => {
    const anthropic =
      '{"type":"error","error":{"type":"invalid_request_error","message":"x"},"request_id":"req_011"}';
    expect(
      runError([anthropicErrorShape], {
        status: 400,
        body: anthropic,
        anthropic: true,
        contentType: 'application/json',
      }).body,
    ).toBe(anthropic);
    const openai = '{"error":{"message":"x","code":"invalid_request_body"}}';
    expect(
      runError([anthropicErrorShape], { status: 400, body: openai }).body,
    ).toBe(openai);
  });
});
