import { claudeCodeEnv } from './claude-code-env';

const MODELS = [
  { id: 'gpt-4o' },
  { id: 'claude-3.5-sonnet', supported_endpoints: ['/chat/completions'] },
  { id: 'claude-sonnet-4', supported_endpoints: ['/v1/messages'] },
  { id: 'claude-opus-4.1' },
  { id: 'claude-3.5-haiku' },
  { id: 'claude-haiku-4.5' },
];

describe('claudeCodeEnv', () => {
  it('picks the newest Sonnet and the newest Haiku', () => {
    const lines = claudeCodeEnv(MODELS, 'http://127.0.0.1:8080', undefined);
    expect(lines).toContain(
      'export ANTHROPIC_BASE_URL=http://127.0.0.1:8080\n',
    );
    expect(lines).toContain('export ANTHROPIC_MODEL=claude-sonnet-4\n');
    expect(lines).toContain(
      'export ANTHROPIC_SMALL_FAST_MODEL=claude-haiku-4.5\n',
    );
    expect(lines).toContain('ANTHROPIC_AUTH_TOKEN=copilot-proxy');
    expect(lines).not.toContain('gpt-4o');
  });

  it('refers to the key by its variable, never by value', () => {
    const lines = claudeCodeEnv(MODELS, 'http://h:1', 'PROXY_API_KEY');
    expect(lines).toContain('export ANTHROPIC_AUTH_TOKEN="$PROXY_API_KEY"');
  });

  it('falls back to the main model when there is no Haiku, and says when there is no Claude', () => {
    const lines = claudeCodeEnv(
      [{ id: 'claude-opus-4' }],
      'http://h:1',
      undefined,
    );
    expect(lines).toContain('export ANTHROPIC_MODEL=claude-opus-4\n');
    expect(lines).toContain(
      'export ANTHROPIC_SMALL_FAST_MODEL=claude-opus-4\n',
    );
    expect(claudeCodeEnv([{ id: 'gpt-4o' }], 'http://h:1', undefined)).toMatch(
      /^# This Copilot account offers no Claude model \(models: gpt-4o\)/,
    );
  });
});
