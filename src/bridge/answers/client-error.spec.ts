import type { Api } from '../ir';
import { clientErrorBody } from './client-error';

function body(
  client: Api,
  status: number,
  contentType: string | undefined,
  text: string,
): unknown {
  return JSON.parse(
    clientErrorBody(client, status, {
      contentType,
      body: Buffer.from(text),
    }),
  );
}

const json = 'application/json';

describe('clientErrorBody', () => {
  const openAiShape =
    '{"error":{"message":"The requested model is not supported.","code":"model_not_supported","param":"model","type":"invalid_request_error"}}';
  const copilotShape =
    '{"message":"Sorry, you have exceeded your Copilot token usage.","code":"rate_limited"}';
  const unsupported =
    '{"error":{"message":"model gpt-5.4 is not accessible via the /chat/completions endpoint","code":"unsupported_api_for_model"}}';

  describe('for an Anthropic client', () => {
    it('writes a 429 as rate_limit_error with the upstream message', () => {
      expect(body('messages', 429, json, copilotShape)).toEqual({
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message: 'Sorry, you have exceeded your Copilot token usage.',
        },
      });
    });

    it("reads OpenAI's nested shape", () => {
      expect(body('messages', 400, json, openAiShape)).toEqual({
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: 'The requested model is not supported.',
        },
      });
    });

    it('keeps a text/plain message', () => {
      expect(
        body('messages', 401, 'text/plain', 'unauthorized: token expired\n'),
      ).toEqual({
        type: 'error',
        error: {
          type: 'authentication_error',
          message: 'unauthorized: token expired',
        },
      });
    });

    it('falls back to the status text for an empty body', () => {
      expect(body('messages', 503, undefined, '')).toEqual({
        type: 'error',
        error: { type: 'api_error', message: 'Service Unavailable' },
      });
    });

    it('types 413 and 529 by status', () => {
      expect(body('messages', 413, json, '{"message":"too big"}')).toEqual({
        type: 'error',
        error: { type: 'request_too_large', message: 'too big' },
      });
      expect(body('messages', 529, undefined, '')).toEqual({
        type: 'error',
        error: { type: 'overloaded_error', message: 'Upstream error 529' },
      });
    });
  });

  describe.each<Api>(['chat', 'responses'])('for a %s client', (client) => {
    it('keeps the upstream type, code and param', () => {
      expect(body(client, 400, json, openAiShape)).toEqual({
        error: {
          message: 'The requested model is not supported.',
          type: 'invalid_request_error',
          code: 'model_not_supported',
          param: 'model',
        },
      });
    });

    it('keeps unsupported_api_for_model and types it by status', () => {
      expect(body(client, 400, json, unsupported)).toEqual({
        error: {
          message:
            'model gpt-5.4 is not accessible via the /chat/completions endpoint',
          type: 'invalid_request_error',
          code: 'unsupported_api_for_model',
          param: null,
        },
      });
    });

    it("reads Copilot's flat shape (a 429 keeps rate_limited)", () => {
      expect(body(client, 429, json, copilotShape)).toEqual({
        error: {
          message: 'Sorry, you have exceeded your Copilot token usage.',
          type: 'rate_limit_error',
          code: 'rate_limited',
          param: null,
        },
      });
    });

    it('keeps a text/plain message', () => {
      expect(
        body(client, 401, 'text/plain', 'unauthorized: token expired'),
      ).toEqual({
        error: {
          message: 'unauthorized: token expired',
          type: 'authentication_error',
          code: null,
          param: null,
        },
      });
    });

    it('falls back to the status text for an empty body', () => {
      expect(body(client, 502, undefined, '')).toEqual({
        error: {
          message: 'Bad Gateway',
          type: 'server_error',
          code: null,
          param: null,
        },
      });
    });
  });

  it('never answers an empty message', () => {
    expect(body('chat', 500, json, '{"error":{"message":"  "}}')).toEqual({
      error: {
        message: 'Internal Server Error',
        type: 'server_error',
        code: null,
        param: null,
      },
    });
    expect(body('messages', 500, json, '{"detail":"x"}')).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'Internal Server Error' },
    });
  });

  it('reads the 466 message Copilot sends to old clients, trimmed', () => {
    const text =
      '{"error":{"message":"bad request: the specified API version is no longer supported. You may need to update your client to a newer version.\\n","type":"error"}}';
    expect(body('chat', 466, json, text)).toEqual({
      error: {
        message:
          'bad request: the specified API version is no longer supported. You may need to update your client to a newer version.',
        type: 'error',
        code: null,
        param: null,
      },
    });
  });

  it('reads {"error":"…"} and an Anthropic-shaped upstream', () => {
    expect(body('messages', 400, json, '{"error":"bad thing"}')).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'bad thing' },
    });
    expect(
      body(
        'chat',
        529,
        json,
        '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      ),
    ).toEqual({
      error: {
        message: 'Overloaded',
        type: 'overloaded_error',
        code: null,
        param: null,
      },
    });
  });

  it('takes no HTML page for a message, but any other text', () => {
    expect(
      body(
        'messages',
        502,
        'text/html',
        '<html><body>Bad gateway</body></html>',
      ),
    ).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'Bad Gateway' },
    });
    expect(body('chat', 500, json, 'oops, not json')).toEqual({
      error: {
        message: 'oops, not json',
        type: 'server_error',
        code: null,
        param: null,
      },
    });
  });
});
