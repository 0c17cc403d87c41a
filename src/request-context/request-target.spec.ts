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
    ['/healthz', '/healthz', 'service'],
    ['/readyz?verbose', '/readyz?verbose', 'service'],
    ['/metricsX', '/metricsX', 'other'],
    ['/', '/', 'service'],
    ['/?x=1', '/?x=1', 'service'],
    ['/dashboard', '/dashboard', 'service'],
    ['/dashboard/app.js', '/dashboard/app.js', 'service'],
    ['/dashboard/', '/dashboard/', 'service'],
    ['/api/hello', '/api/hello', 'service'],
    ['/api/hellothere', '/api/hellothere', 'other'],
    ['/chat/completions?q=a/../b//c', '/chat/completions?q=a/../b//c', 'chat'],
    ['/x%20y%3F', '/x%20y%3F', 'other'],
  ])('%s → %s (%s)', (input, upstreamPath, route) => {
    expect(parseTarget(input)).toEqual({ upstreamPath, route });
  });

  it('rejects targets that are not origin-form', () => {
    for (const target of ['http://evil.example/models', '*', '']) {
      expect(parseTarget(target)).toEqual({
        upstreamPath: undefined,
        route: 'other',
        refusal: 'not-origin-form',
      });
    }
  });

  it.each([
    '/./chat/completions',
    '/v1/../chat/completions',
    '/chat/./completions',
    '/%2e/chat/completions',
    '/%2E%2E/v1/messages',
    '/chat\\completions',
    '/chat%5ccompletions',
    '/chat%2Fcompletions',
    '/v1/./messages',
    '/x/../v1/messages',
    '//chat/completions',
    '/chat//completions',
    '/chat/completions/',
    '/%63hat/completions',
    '/v1/%6D%65ssages',
    '/chat/completion%73',
    '/a/./b/../c',
    '/CHAT/completions',
    '/chat/completions;x',
    '/v1/messages%00',
    '/v1/chat/completions%20',
    '/V1/Messages',
    '/Responses',
  ])(
    'refuses %s: one spelling per path, so classifying and forwarding agree',
    (input) => {
      expect(parseTarget(input)).toEqual({
        upstreamPath: undefined,
        route: 'other',
        refusal: 'not-canonical',
      });
    },
  );

  it('refuses /v1/v1/…, classed as the API it was meant for', () => {
    expect(parseTarget('/v1/v1/messages?beta=true')).toEqual({
      upstreamPath: undefined,
      route: 'messages',
      refusal: 'doubled-v1',
    });
    expect(parseTarget('/v1/v1/chat/completions')).toMatchObject({
      route: 'chat',
      refusal: 'doubled-v1',
    });
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
