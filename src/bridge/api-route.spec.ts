import { routeFor } from './api-route';

const CLAUDE = ['/chat/completions', '/v1/messages'];
const CODEX = ['/responses'];
const ALL = ['/chat/completions', '/responses', '/v1/messages'];

describe('routeFor', () => {
  it.each([
    ['messages', CLAUDE, 'messages'],
    ['chat', CLAUDE, 'chat'],
    ['responses', CLAUDE, 'chat'],
    ['messages', CODEX, 'responses'],
    ['chat', CODEX, 'responses'],
    ['responses', CODEX, 'responses'],
    ['messages', undefined, 'chat'],
    ['chat', undefined, 'chat'],
    ['responses', undefined, 'chat'],
    ['messages', ALL, 'messages'],
    ['responses', ['/chat/completions', '/responses'], 'responses'],
    ['messages', ['/responses', '/chat/completions'], 'chat'],
  ] as const)(
    'a %s client on a model serving %j goes to %s',
    (client, endpoints, api) => {
      expect(routeFor(client, endpoints)).toBe(api);
    },
  );

  it('sends a request as it came when no way across exists', () => {
    expect(routeFor('chat', ['/v1/messages'])).toBe('chat');
    expect(routeFor('messages', [])).toBe('messages');
  });
});
