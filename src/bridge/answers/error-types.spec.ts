import {
  anthropicErrorType,
  openAiErrorType,
  streamErrorStatus,
} from './error-types';

describe('error types', () => {
  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [402, 'billing_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [422, 'invalid_request_error'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [502, 'api_error'],
    [504, 'timeout_error'],
    [529, 'overloaded_error'],
    [undefined, 'api_error'],
  ])('Anthropic %p is %s', (status, type) => {
    expect(anthropicErrorType(status)).toBe(type);
  });

  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'invalid_request_error'],
    [429, 'rate_limit_error'],
    [500, 'server_error'],
    [undefined, 'server_error'],
  ])('OpenAI %p is %s', (status, type) => {
    expect(openAiErrorType(status)).toBe(type);
  });

  it('reads a mid-stream status from the status or the code', () => {
    expect(streamErrorStatus({ status: 503, code: 'rate_limited' })).toBe(503);
    expect(streamErrorStatus({ code: 'rate_limited' })).toBe(429);
    expect(streamErrorStatus({ code: 'rate_limit_exceeded' })).toBe(429);
    expect(streamErrorStatus({ code: 'overloaded_error' })).toBe(529);
    expect(streamErrorStatus({ code: 'server_error' })).toBeUndefined();
    expect(streamErrorStatus({})).toBeUndefined();
  });
});
