import { execFileSync } from 'node:child_process';
import type { ModelEntry } from '../client-helpers/account-models';
import { HelperError } from '../client-helpers/helper-error';
import { claudeCodeId, claudeCodeEnv } from './claude-code-env';

const MODELS: ModelEntry[] = [
  { id: 'gpt-4o' },
  { id: 'claude-3.5-sonnet', supported_endpoints: ['/chat/completions'] },
  { id: 'claude-sonnet-4', supported_endpoints: ['/v1/messages'] },
  { id: 'claude-sonnet-4-5-20250929' },
  { id: 'claude-opus-4' },
  { id: 'claude-opus-4.6' },
  { id: 'claude-opus-4-5' },
  { id: 'claude-3.5-haiku' },
  { id: 'claude-haiku-4.5' },
  { id: 'text-embedding-3-small', capabilities: { type: 'embeddings' } },
];

/** The variables `lines` set, as a shell that evals them sees them. */
function evaluate(
  lines: string,
  env: Record<string, string> = {},
): Record<string, string> {
  // stdin not a socket: bash would read ~/.bashrc as if started by rshd.
  const out = execFileSync('bash', ['-c', 'set -eu; eval "$LINES"; env -0'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env, LINES: lines },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return Object.fromEntries(
    out
      .split('\0')
      .filter((entry) => entry.startsWith('ANTHROPIC_'))
      .map((entry) => [
        entry.slice(0, entry.indexOf('=')),
        entry.slice(entry.indexOf('=') + 1),
      ]),
  );
}

describe('claudeCodeId', () => {
  it('spells a dotted id as Claude Code does, when the proxy resolves it back', () => {
    const listed = ['claude-sonnet-4.5', 'claude-haiku-4.5', 'claude-opus-4'];
    expect(claudeCodeId('claude-sonnet-4.5', listed)).toBe('claude-sonnet-4-5');
    expect(claudeCodeId('claude-opus-4', listed)).toBe('claude-opus-4');
  });

  it('keeps the listed id when the dashed one is listed too, or would not come back', () => {
    expect(
      claudeCodeId('claude-sonnet-4.5', [
        'claude-sonnet-4.5',
        'claude-sonnet-4-5',
      ]),
    ).toBe('claude-sonnet-4.5');
  });
});

describe('claudeCodeEnv', () => {
  it('sets the newest model of each family, main and small fast included', () => {
    expect(claudeCodeEnv(MODELS, 'http://127.0.0.1:8080', undefined)).toBe(
      [
        '# copilot-proxy for Claude Code: eval "$(npm run -s claude-code)", then run claude',
        'export ANTHROPIC_BASE_URL=http://127.0.0.1:8080',
        'export ANTHROPIC_AUTH_TOKEN=copilot-proxy  # any value: keys are off',
        'export ANTHROPIC_MODEL=claude-sonnet-4-5-20250929',
        'export ANTHROPIC_DEFAULT_OPUS_MODEL=claude-opus-4-6',
        'export ANTHROPIC_DEFAULT_SONNET_MODEL=claude-sonnet-4-5-20250929',
        'export ANTHROPIC_DEFAULT_HAIKU_MODEL=claude-haiku-4-5',
        'export ANTHROPIC_SMALL_FAST_MODEL=claude-haiku-4-5',
        '# Claude models on this account: claude-opus-4.6, claude-opus-4-5, claude-haiku-4.5, claude-sonnet-4-5-20250929, claude-opus-4, claude-sonnet-4, claude-3.5-haiku, claude-3.5-sonnet',
        '',
      ].join('\n'),
    );
  });

  it('is shell that sets those variables', () => {
    expect(evaluate(claudeCodeEnv(MODELS, 'http://h:1', undefined))).toEqual({
      ANTHROPIC_BASE_URL: 'http://h:1',
      ANTHROPIC_AUTH_TOKEN: 'copilot-proxy',
      ANTHROPIC_MODEL: 'claude-sonnet-4-5-20250929',
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'claude-opus-4-6',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'claude-sonnet-4-5-20250929',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'claude-haiku-4-5',
      ANTHROPIC_SMALL_FAST_MODEL: 'claude-haiku-4-5',
    });
  });

  it('refers to the key by its variable, never by value, and fails without it', () => {
    const lines = claudeCodeEnv(MODELS, 'http://h:1', 'PROXY_API_KEY');
    expect(lines).toContain(
      'export ANTHROPIC_AUTH_TOKEN="${PROXY_API_KEY:?export PROXY_API_KEY=<your proxy key> first}"\n',
    );
    expect(evaluate(lines, { PROXY_API_KEY: 'k 1' }).ANTHROPIC_AUTH_TOKEN).toBe(
      'k 1',
    );
    expect(() => evaluate(lines)).toThrow(
      /PROXY_API_KEY=<your proxy key> first/,
    );
  });

  it('quotes a base URL the shell would otherwise read differently', () => {
    const lines = claudeCodeEnv(MODELS, 'http://h:1/a b$(x)', undefined);
    expect(lines).toContain("export ANTHROPIC_BASE_URL='http://h:1/a b$(x)'\n");
    expect(evaluate(lines).ANTHROPIC_BASE_URL).toBe('http://h:1/a b$(x)');
  });

  it('stands in the nearest family for one the account lacks, and says so', () => {
    const lines = claudeCodeEnv(
      [{ id: 'claude-sonnet-4' }, { id: 'claude-sonnet-4.5' }],
      'http://h:1',
      undefined,
    );
    expect(evaluate(lines)).toMatchObject({
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'claude-sonnet-4-5',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'claude-sonnet-4-5',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'claude-sonnet-4-5',
    });
    expect(lines).toContain(
      '# No opus model on this account: opus is claude-sonnet-4.5\n',
    );
    expect(lines).toContain(
      '# No haiku model on this account: haiku is claude-sonnet-4.5\n',
    );
    expect(lines).not.toContain('No sonnet');
    const opusOnly = evaluate(
      claudeCodeEnv([{ id: 'claude-opus-4' }], 'http://h:1', undefined),
    );
    expect(opusOnly.ANTHROPIC_MODEL).toBe('claude-opus-4');
    expect(opusOnly.ANTHROPIC_SMALL_FAST_MODEL).toBe('claude-opus-4');
  });

  it('uses a Claude model of no known family for every family', () => {
    const lines = claudeCodeEnv(
      [{ id: 'claude-next' }],
      'http://h:1',
      undefined,
    );
    expect(evaluate(lines).ANTHROPIC_DEFAULT_HAIKU_MODEL).toBe('claude-next');
    expect(lines).toContain(
      '# No sonnet model on this account: sonnet is claude-next\n',
    );
  });

  it('never picks a model the account has not enabled, and lists those apart', () => {
    const lines = claudeCodeEnv(
      [
        { id: 'claude-opus-4.6', policy: { state: 'disabled' } },
        { id: 'claude-opus-4', policy: { state: 'enabled' } },
      ],
      'http://h:1',
      undefined,
    );
    expect(evaluate(lines).ANTHROPIC_DEFAULT_OPUS_MODEL).toBe('claude-opus-4');
    expect(lines).toContain(
      '# Listed but not enabled (turn them on at https://github.com/settings/copilot): claude-opus-4.6\n',
    );
  });

  it('throws when the account serves no Claude model', () => {
    expect(() =>
      claudeCodeEnv(
        [{ id: 'gpt-4o' }, { id: 'gpt-4.1' }],
        'http://h:1',
        undefined,
      ),
    ).toThrow(
      new HelperError(
        'this Copilot account serves no Claude model (models: gpt-4o, gpt-4.1)',
      ),
    );
    expect(() =>
      claudeCodeEnv(
        [{ id: 'claude-opus-4', policy: { state: 'unconfigured' } }],
        'http://h:1',
        undefined,
      ),
    ).toThrow(
      'this Copilot account serves no Claude model (models: none); listed but not enabled: claude-opus-4 (turn them on at https://github.com/settings/copilot)',
    );
  });

  it('prints nothing but comments and exports', () => {
    for (const key of [undefined, 'PROXY_API_KEY']) {
      const lines = claudeCodeEnv(MODELS, 'http://h:1', key).trimEnd();
      for (const line of lines.split('\n')) {
        expect(line).toMatch(/^(#|export ANTHROPIC_[A-Z_]+=)/);
      }
    }
  });
});
