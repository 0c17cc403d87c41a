import {
  chatModels,
  isOpenAi,
  ModelEntry,
  serves,
} from '../client-helpers/account-models';
import { HelperError } from '../client-helpers/helper-error';
import { newestFirst } from '../client-helpers/model-version';

/** The provider's key in `opencode.json` (`model` is `copilot-proxy/<id>`). */
export const PROVIDER = 'copilot-proxy';

const speaksChat = (m: ModelEntry) => serves(m, '/chat/completions');

/**
 * Where opencode's default model comes from, best first: opencode speaks Chat
 * Completions through `@ai-sdk/openai-compatible`, so models Copilot serves Chat
 * for natively, OpenAI's before others (their version numbers say nothing next to
 * GPT's). Every other chat model is listed too: the proxy's bridge carries it.
 */
const TIERS: Array<(m: ModelEntry) => boolean> = [
  (m) => speaksChat(m) && isOpenAi(m),
  speaksChat,
  () => true,
];

/**
 * The `opencode.json` opencode needs to use this proxy: one provider on
 * `@ai-sdk/openai-compatible` with the base URL ending in `/v1`, the account's
 * chat models, and with keys on an `apiKey` that names the variable holding the
 * key (`{env:PROXY_API_KEY}`, opencode's own substitution), never the key.
 */
export function opencodeConfig(
  models: ModelEntry[],
  baseUrl: string,
  keyVariable: string | undefined,
): string {
  const { usable } = chatModels(models);
  if (usable.length === 0) {
    throw new HelperError('this Copilot account serves no chat model');
  }
  const tier = TIERS.map((inTier) => usable.filter(inTier)).find(
    (inTier) => inTier.length > 0,
  )!;
  const model = tier.map((m) => m.id).sort(newestFirst)[0];
  const ids = usable.map((m) => m.id).sort(newestFirst);
  const config = {
    $schema: 'https://opencode.ai/config.json',
    provider: {
      [PROVIDER]: {
        npm: '@ai-sdk/openai-compatible',
        name: PROVIDER,
        options: {
          baseURL: `${baseUrl}/v1`,
          ...(keyVariable !== undefined && {
            apiKey: `{env:${keyVariable}}`,
          }),
        },
        models: Object.fromEntries(ids.map((id) => [id, { name: id }])),
      },
    },
    model: `${PROVIDER}/${model}`,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
