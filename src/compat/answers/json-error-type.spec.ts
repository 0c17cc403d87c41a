import { jsonErrorType } from './json-error-type';
import { runError } from './__fixtures__/run-error';

const BODY =
  '{"error":{"message":"Unsupported parameter: \'max_tokens\' is not supported with this model. Use \'max_completion_tokens\' instead.","code":"invalid_request_body"}}';

describe('jsonErrorType (G3)', () => {
  it('labels a JSON error sent as text/plain application/json, its bytes unchanged', () => {
    const out = runError([jsonErrorType], { status: 400, body: BODY });
    expect(out.body).toBe(BODY);
    expect(out.headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(out.headers['content-type']).toBeUndefined();
    expect(out.headers['Content-Length']).toBe(String(Buffer.byteLength(BODY)));
    expect(out.headers['x-github-request-id']).toBe('ABCD:1234');
    expect(out.applied).toEqual(['json-errors']);
  });

  it('leaves plain text and JSON already labelled as it is', () => {
    const text = runError([jsonErrorType], {
      status: 413,
      body: '413 Request Entity Too Large\n',
    });
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.applied).toEqual([]);
    const json = runError([jsonErrorType], {
      status: 400,
      body: BODY,
      contentType: 'application/json',
    });
    expect(json.applied).toEqual([]);
  });
});
