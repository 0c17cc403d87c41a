import type { ModelEntry } from '../client-helpers/account-models';
import { HelperError } from '../client-helpers/helper-error';
import { opencodeConfig } from './opencode-config';

const CHAT = ['/chat/completions'];
const MODELS: ModelEntry[] = [
  { id: 'gpt-4o', supported_endpoints: CHAT },
  { id: 'gpt-4.1', supported_endpoints: ['/chat/completions', '/responses'] },
  { id: 'gpt-5.1-codex', supported_endpoints: ['/responses'] },
  {
    id: 'claude-opus-4.6',
    supported_endpoints: ['/chat/completions', '/v1/messages'],
  },
  { id: 'gemini-3-pro' },
  { id: 'o3-old', supported_endpoints: CHAT, policy: { state: 'disabled' } },
  { id: 'text-embedding-3-small', capabilities: { type: 'embeddings' } },
];

interface Config {
  $schema: string;
  model: string;
  provider: Record<
    string,
    {
      npm: string;
      name: string;
      options: { baseURL: string; apiKey?: string };
      models: Record<string, { name: string }>;
    }
  >;
}
const parse = (text: string) => JSON.parse(text) as Config;

describe('opencodeConfig', () => {
  it('is an opencode.json with one openai-compatible provider on /v1, keys off', () => {
    const config = parse(
      opencodeConfig(MODELS, 'http://h:1/prefix', undefined),
    );
    expect(config.$schema).toBe('https://opencode.ai/config.json');
    expect(config.model).toBe('copilot-proxy/gpt-4.1');
    const provider = config.provider['copilot-proxy'];
    expect(provider.npm).toBe('@ai-sdk/openai-compatible');
    expect(provider.options).toEqual({ baseURL: 'http://h:1/prefix/v1' });
    expect(Object.keys(provider.models)).toEqual([
      'gpt-5.1-codex',
      'claude-opus-4.6',
      'gpt-4.1',
      'gpt-4o',
      'gemini-3-pro',
    ]);
    expect(provider.models['gpt-4o']).toEqual({ name: 'gpt-4o' });
  });

  it('names the key variable with keys on, never the key', () => {
    const text = opencodeConfig(MODELS, 'http://h:1', 'PROXY_API_KEY');
    expect(parse(text).provider['copilot-proxy'].options.apiKey).toBe(
      '{env:PROXY_API_KEY}',
    );
  });

  it('falls back to any chat model when none speaks Chat natively', () => {
    const config = parse(
      opencodeConfig(
        [{ id: 'gpt-5.1-codex', supported_endpoints: ['/responses'] }],
        'http://h:1',
        undefined,
      ),
    );
    expect(config.model).toBe('copilot-proxy/gpt-5.1-codex');
  });

  it('refuses an account with no chat model', () => {
    expect(() =>
      opencodeConfig(
        [{ id: 'e', capabilities: { type: 'embeddings' } }],
        'http://h:1',
        undefined,
      ),
    ).toThrow(HelperError);
  });
});
