import { upstreamPath } from './upstream-path';

describe('upstreamPath', () => {
  it.each([
    ['/v1/chat/completions', '/chat/completions'],
    ['/v1/chat/completions?x=1', '/chat/completions?x=1'],
    ['/v1/models', '/models'],
    ['/v1/models/gpt-4o', '/models/gpt-4o'],
    ['/v1/embeddings', '/embeddings'],
    ['/v1/responses/resp_1', '/responses/resp_1'],
    ['/v1/messages', '/v1/messages'],
    ['/v1/messages/count_tokens', '/v1/messages/count_tokens'],
    ['/v1/modelsX', '/v1/modelsX'],
    ['/v1/chat/completionsfoo', '/v1/chat/completionsfoo'],
    ['/models?a=%20b&c', '/models?a=%20b&c'],
    ['/a/./b/../c', '/a/./b/../c'],
    ['/', '/'],
  ])('%s → %s', (input, expected) => {
    expect(upstreamPath(input)).toBe(expected);
  });

  it('rejects targets that are not origin-form', () => {
    expect(upstreamPath('http://evil.example/models')).toBeUndefined();
    expect(upstreamPath('*')).toBeUndefined();
    expect(upstreamPath('')).toBeUndefined();
  });
});
