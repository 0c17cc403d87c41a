import { closestIds, unknownModel } from './unknown-model';
import { runError } from './__fixtures__/run-error';

/** G6, as Copilot sends it. */
const NOT_SUPPORTED =
  '{"error":{"message":"The requested model is not supported.","code":"model_not_supported","param":"model","type":"invalid_request_error"}}';
const SERVED = [
  'claude-opus-4.7',
  'claude-sonnet-4.6',
  'claude-sonnet-4.8',
  'claude-haiku-4.5',
  'gpt-5.4',
  'gpt-5-mini',
];

describe('unknownModel (G6)', () => {
  it('tells an Anthropic client the model is not found and names the closest served ids', () => {
    const out = runError([unknownModel], {
      status: 400,
      body: NOT_SUPPORTED,
      anthropic: true,
      model: 'claude-sonnet-4-9',
      served: SERVED,
    });
    expect(out.status).toBe(404);
    const body = JSON.parse(out.body);
    expect(body.error.type).toBe('not_found_error');
    expect(body.error.message).toBe(
      'The requested model is not supported. The model "claude-sonnet-4-9" is not served on this Copilot account; the closest served ids: claude-sonnet-4.6, claude-sonnet-4.8, claude-opus-4.7.',
    );
    expect(out.headers['x-should-retry']).toBe('false');
  });

  it('keeps the 400 and its code in the OpenAI shape for OpenAI clients', () => {
    const out = runError([unknownModel], {
      status: 400,
      body: NOT_SUPPORTED,
      model: 'gpt-5.9',
      served: SERVED,
    });
    expect(out.status).toBe(400);
    const body = JSON.parse(out.body);
    expect(body.error).toMatchObject({
      code: 'model_not_supported',
      type: 'invalid_request_error',
      param: 'model',
    });
    expect(body.error.message).toContain(
      'closest served ids: gpt-5.4, gpt-5-mini',
    );
  });

  it('leaves a listed model that is refused (not enabled) as Copilot said it', () => {
    const out = runError([unknownModel], {
      status: 400,
      body: NOT_SUPPORTED,
      anthropic: true,
      model: 'claude-opus-4.7',
      served: SERVED,
    });
    expect(out.body).toBe(NOT_SUPPORTED);
    expect(out.applied).toEqual([]);
  });

  it('ranks ids by edit distance, dots and dashes alike', () => {
    expect(closestIds('claude-haiku-4-5', SERVED)[0]).toBe('claude-haiku-4.5');
  });
});
