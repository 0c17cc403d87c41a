import { runRule } from '../__fixtures__/run-rule';
import { stripCacheControlScope } from './strip-cache-control-scope';
import { stripCacheControlTtl } from './strip-cache-control-ttl';

const BODY = JSON.stringify({
  model: 'claude-sonnet-4.5',
  system: [
    { type: 'text', text: 'a', cache_control: { type: 'ephemeral' } },
    {
      type: 'text',
      text: 'b',
      cache_control: { type: 'ephemeral', scope: 'global', ttl: '1h' },
    },
  ],
  tools: [{ name: 't', cache_control: { type: 'ephemeral', ttl: '1h' } }],
  messages: [
    {
      role: 'user',
      content: [
        {
          type: 'text',
          text: 'hi',
          cache_control: { type: 'ephemeral', scope: 'global' },
        },
      ],
    },
  ],
});

describe('M2 strip-cache-control-scope and M3 strip-cache-control-ttl', () => {
  it('M2 removes every scope and nothing else', () => {
    const out = runRule(stripCacheControlScope, 'messages', BODY);
    expect(out.changed).toBe(true);
    expect(out.body).toBe(BODY.replace(/,"scope":"global"/g, ''));
  });

  it('M3 removes every ttl and nothing else', () => {
    const out = runRule(stripCacheControlTtl, 'count_tokens', BODY);
    expect(out.changed).toBe(true);
    expect(out.body).toBe(BODY.replace(/,"ttl":"1h"/g, ''));
  });

  it('leave a body without them alone', () => {
    const plain =
      '{"system":[{"type":"text","cache_control":{"type":"ephemeral"}}]}';
    expect(runRule(stripCacheControlScope, 'messages', plain).changed).toBe(
      false,
    );
    expect(runRule(stripCacheControlTtl, 'messages', plain).changed).toBe(
      false,
    );
  });
});
