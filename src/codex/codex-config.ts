import {
  chatModels,
  isOpenAi,
  ModelEntry,
  serves,
} from '../client-helpers/account-models';
import { HelperError } from '../client-helpers/helper-error';
import { newestFirst } from '../client-helpers/model-version';
import { tomlString } from './toml-string';

/** The `model_providers` entry's key (Codex's own `openai` cannot be overridden). */
export const PROVIDER = 'copilot-proxy';

const speaksResponses = (m: ModelEntry) => serves(m, '/responses');

/**
 * Where Codex's model comes from, best first: Copilot serves Responses natively
 * for these (Codex speaks nothing else), and OpenAI's models before others, whose
 * version numbers say nothing next to GPT's. The other chat models go through the
 * proxy's Responses → Chat bridge.
 */
const TIERS: Array<(m: ModelEntry) => boolean> = [
  (m) => speaksResponses(m) && isOpenAi(m),
  speaksResponses,
  isOpenAi,
  () => true,
];

/**
 * The `config.toml` block Codex CLI needs to use this proxy: `model` (the newest
 * model of the best {@link TIERS} tier this account serves) and `model_provider`
 * first, as root keys must stand above any table, then the provider table: base URL
 * with `/v1` (Codex appends `/responses`), `wire_api = "responses"`, and with keys
 * on `env_key` naming the variable that holds the key, never the key itself.
 */
export function codexConfig(
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
  const native = usable
    .filter(speaksResponses)
    .map((m) => m.id)
    .sort(newestFirst);
  const bridged = usable
    .filter((m) => !speaksResponses(m))
    .map((m) => m.id)
    .sort(newestFirst);
  return [
    '# copilot-proxy for Codex CLI, in ~/.codex/config.toml:',
    '#   no file yet: mkdir -p ~/.codex && npm run -s codex > ~/.codex/config.toml',
    `#   a file already: \`model\` and \`model_provider\` above its first [table], the [model_providers.${PROVIDER}] table anywhere below`,
    ...(keyVariable
      ? [
          `# Keys are on: export ${keyVariable}=<your proxy key> in the shell that runs codex.`,
        ]
      : []),
    '# Then run `codex`, or `codex exec "say hi"`; another model: codex -m <id>.',
    ...(native.length
      ? [`# Responses models on this account: ${native.join(', ')}`]
      : []),
    ...(bridged.length
      ? [
          `# Other chat models (through the proxy's Responses to Chat bridge): ${bridged.join(', ')}`,
        ]
      : []),
    `model = ${tomlString(model)}`,
    `model_provider = ${tomlString(PROVIDER)}`,
    '',
    `[model_providers.${PROVIDER}]`,
    `name = ${tomlString(PROVIDER)}`,
    `base_url = ${tomlString(`${baseUrl}/v1`)}`,
    'wire_api = "responses"',
    ...(keyVariable
      ? [
          `env_key = ${tomlString(keyVariable)}`,
          `env_key_instructions = ${tomlString(`export ${keyVariable}=<your copilot-proxy key>`)}`,
        ]
      : []),
    '',
  ].join('\n');
}
