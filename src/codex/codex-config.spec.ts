import { parse } from 'smol-toml';
import type { ModelEntry } from '../client-helpers/account-models';
import { HelperError } from '../client-helpers/helper-error';
import { codexConfig } from './codex-config';

const CHAT = ['/chat/completions'];
const ALL = ['/chat/completions', '/responses', '/v1/messages'];
const MODELS: ModelEntry[] = [
  { id: 'gpt-4o', supported_endpoints: CHAT },
  { id: 'gpt-4.1', supported_endpoints: ['/chat/completions', '/responses'] },
  { id: 'gpt-5-codex', supported_endpoints: ['/responses'] },
  { id: 'gpt-5.1-codex-mini', supported_endpoints: ['/responses'] },
  { id: 'gpt-5.1-codex', supported_endpoints: ['/responses'] },
  { id: 'gpt-5-mini', supported_endpoints: ALL },
  {
    id: 'claude-opus-4.6',
    supported_endpoints: ['/chat/completions', '/v1/messages'],
  },
  { id: 'gemini-3-pro' },
  { id: 'text-embedding-3-small', capabilities: { type: 'embeddings' } },
];

interface Config {
  model: string;
  model_provider: string;
  model_providers: Record<string, Record<string, string>>;
}
const toml = (text: string) => parse(text) as unknown as Config;
const modelOf = (models: ModelEntry[]) =>
  toml(codexConfig(models, 'http://h:1', undefined)).model;

describe('codexConfig', () => {
  it('is the whole block, keys off', () => {
    expect(codexConfig(MODELS, 'http://127.0.0.1:8080', undefined)).toBe(
      [
        '# copilot-proxy for Codex CLI, in ~/.codex/config.toml:',
        '#   no file yet: mkdir -p ~/.codex && npm run -s codex > ~/.codex/config.toml',
        '#   a file already: `model` and `model_provider` above its first [table], the [model_providers.copilot-proxy] table anywhere below',
        '# Then run `codex`, or `codex exec "say hi"`; another model: codex -m <id>.',
        '# Responses models on this account: gpt-5.1-codex, gpt-5.1-codex-mini, gpt-5-mini, gpt-5-codex, gpt-4.1',
        "# Other chat models (through the proxy's Responses to Chat bridge): claude-opus-4.6, gpt-4o, gemini-3-pro",
        'model = "gpt-5.1-codex"',
        'model_provider = "copilot-proxy"',
        '',
        '[model_providers.copilot-proxy]',
        'name = "copilot-proxy"',
        'base_url = "http://127.0.0.1:8080/v1"',
        'wire_api = "responses"',
        '',
      ].join('\n'),
    );
  });

  it('parses as TOML with the provider selected, base URL in /v1, Responses wire', () => {
    const config = toml(codexConfig(MODELS, 'http://h:1/prefix', undefined));
    expect(config.model).toBe('gpt-5.1-codex');
    expect(config.model_provider).toBe('copilot-proxy');
    expect(config.model_providers[config.model_provider]).toEqual({
      name: 'copilot-proxy',
      base_url: 'http://h:1/prefix/v1',
      wire_api: 'responses',
    });
  });

  it('names the key variable with keys on, never the key', () => {
    const text = codexConfig(MODELS, 'http://h:1', 'PROXY_API_KEY');
    expect(toml(text).model_providers['copilot-proxy']).toEqual({
      name: 'copilot-proxy',
      base_url: 'http://h:1/v1',
      wire_api: 'responses',
      env_key: 'PROXY_API_KEY',
      env_key_instructions: 'export PROXY_API_KEY=<your copilot-proxy key>',
    });
    expect(text).toContain(
      '# Keys are on: export PROXY_API_KEY=<your proxy key> in the shell that runs codex.\n',
    );
  });

  it('prefers the newest Responses-native model, OpenAI first', () => {
    expect(modelOf(MODELS)).toBe('gpt-5.1-codex');
    expect(
      modelOf([
        { id: 'gpt-4.1', supported_endpoints: ['/responses'] },
        { id: 'gpt-5', supported_endpoints: CHAT },
      ]),
    ).toBe('gpt-4.1');
    expect(
      modelOf([
        { id: 'gpt-4o', supported_endpoints: CHAT },
        { id: 'grok-code-fast-2', supported_endpoints: ['/responses'] },
      ]),
    ).toBe('grok-code-fast-2');
    expect(
      modelOf([
        { id: 'claude-opus-4.6', supported_endpoints: ['/responses'] },
        { id: 'gpt-4.1', supported_endpoints: ['/responses'] },
      ]),
    ).toBe('gpt-4.1');
  });

  it('falls back to the newest other chat model, OpenAI first', () => {
    expect(
      modelOf([
        { id: 'gpt-4o', supported_endpoints: CHAT },
        { id: 'gpt-4.1' },
        { id: 'gemini-3-pro' },
      ]),
    ).toBe('gpt-4.1');
    expect(
      modelOf([
        { id: 'gemini-2.5-pro' },
        { id: 'claude-sonnet-4.5', supported_endpoints: CHAT },
      ]),
    ).toBe('claude-sonnet-4.5');
  });

  it('never picks a model the account has not enabled', () => {
    expect(
      modelOf([
        {
          id: 'gpt-5.1-codex',
          supported_endpoints: ['/responses'],
          policy: { state: 'disabled' },
        },
        {
          id: 'gpt-4.1',
          supported_endpoints: ['/responses'],
          policy: { state: 'enabled' },
        },
      ]),
    ).toBe('gpt-4.1');
  });

  it('writes a base URL TOML would misread as a valid string', () => {
    const config = toml(codexConfig(MODELS, 'http://h:1/a"b\\c', undefined));
    expect(config.model_providers['copilot-proxy'].base_url).toBe(
      'http://h:1/a"b\\c/v1',
    );
  });

  it('throws when the account serves no chat model', () => {
    expect(() =>
      codexConfig(
        [
          {
            id: 'text-embedding-3-small',
            capabilities: { type: 'embeddings' },
          },
        ],
        'http://h:1',
        undefined,
      ),
    ).toThrow(new HelperError('this Copilot account serves no chat model'));
  });
});
