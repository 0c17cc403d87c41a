import { modelEndpoint, parseTarget } from './request-target';

describe('parseTarget', () => {
  it.each([
    ['/v1/chat/completions', '/chat/completions', 'chat'],
    ['/v1/chat/completions?x=1', '/chat/completions?x=1', 'chat'],
    ['/chat/completions', '/chat/completions', 'chat'],
    ['/v1/models', '/models', 'models'],
    ['/v1/models/gpt-4o', '/models/gpt-4o', 'models'],
    ['/v1/embeddings', '/embeddings', 'embeddings'],
    ['/v1/responses/resp_1', '/responses/resp_1', 'responses'],
    ['/v1/messages', '/v1/messages', 'messages'],
    ['/v1/messages/count_tokens', '/v1/messages/count_tokens', 'messages'],
    ['/v1/modelsX', '/v1/modelsX', 'other'],
    ['/modelsX', '/modelsX', 'other'],
    ['/v1/chat/completionsfoo', '/v1/chat/completionsfoo', 'other'],
    ['/v1/messagesX', '/v1/messagesX', 'other'],
    ['/messages', '/messages', 'other'],
    ['/models?a=%20b&c', '/models?a=%20b&c', 'models'],
    ['/a/./b/../c', '/a/./b/../c', 'other'],
    ['/healthz', '/healthz', 'service'],
    ['/readyz?verbose', '/readyz?verbose', 'service'],
    ['/metricsX', '/metricsX', 'other'],
    ['/', '/', 'other'],
  ])('%s → %s (%s)', (input, upstreamPath, route) => {
    expect(parseTarget(input)).toEqual({ upstreamPath, route });
  });

  it('rejects targets that are not origin-form', () => {
    for (const target of ['http://evil.example/models', '*', '']) {
      expect(parseTarget(target)).toEqual({
        upstreamPath: undefined,
        route: 'other',
      });
    }
  });
});

describe('modelEndpoint', () => {
  it.each([
    ['POST', '/chat/completions', 'chat'],
    ['POST', '/chat/completions?x=1', 'chat'],
    ['POST', '/v1/messages', 'messages'],
    ['POST', '/responses', 'responses'],
    ['POST', '/embeddings', 'embeddings'],
    ['OPTIONS', '/chat/completions', undefined],
    ['GET', '/responses/resp_1', undefined],
    ['POST', '/responses/resp_1/cancel', undefined],
    ['POST', '/v1/messages/count_tokens', undefined],
    ['POST', '/models', undefined],
  ])('%s %s → %s', (method, path, endpoint) => {
    expect(modelEndpoint(method, path)).toBe(endpoint);
  });
});
