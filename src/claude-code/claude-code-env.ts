import { chatModels, ModelEntry } from '../client-helpers/account-models';
import { HelperError } from '../client-helpers/helper-error';
import { newestFirst } from '../client-helpers/model-version';
import { resolveModel } from '../models/model-resolver';
import { shellQuote } from './shell-quote';

/**
 * An id as Claude Code spells its own models (`claude-sonnet-4-5`, dashes):
 * it takes dotted ids for unknown or retired models ("Claude Sonnet 4 was
 * retired"), while the proxy resolves the dashed one to the account's dotted id.
 * Kept as listed when the dashed spelling would not come back to it alone.
 */
export function claudeCodeId(id: string, listed: readonly string[]): string {
  const dashed = id.replace(/-(\d{1,2})\.(\d{1,2})$/, '-$1-$2');
  if (dashed === id) return id;
  return resolveModel(dashed, (m) => listed.includes(m)) === id ? dashed : id;
}

type Family = 'opus' | 'sonnet' | 'haiku';

/** Where a family the account lacks is served from instead, nearest first. */
const STAND_INS: Record<Family, Family[]> = {
  opus: ['opus', 'sonnet', 'haiku'],
  sonnet: ['sonnet', 'opus', 'haiku'],
  haiku: ['haiku', 'sonnet', 'opus'],
};

const isClaude = (m: ModelEntry) =>
  /claude/i.test(m.id) || /anthropic/i.test(m.vendor ?? '');

/**
 * The shell lines Claude Code needs to use this proxy, for the models this Copilot
 * account serves: the newest Opus, Sonnet and Haiku as Claude Code's defaults for
 * each (a family the account lacks is served by the nearest one, and a comment says
 * so), the Sonnet as the main model and the Haiku as the small fast one. The key is
 * referred to by its variable, never printed. Throws when the account has no Claude
 * model: lines without one would only send Claude Code to models Copilot refuses.
 */
export function claudeCodeEnv(
  models: ModelEntry[],
  baseUrl: string,
  keyVariable: string | undefined,
): string {
  const { usable, notEnabled } = chatModels(models);
  const claude = usable
    .filter(isClaude)
    .map((m) => m.id)
    .sort(newestFirst);
  const disabled = notEnabled.filter(isClaude).map((m) => m.id);
  if (claude.length === 0) {
    const listed = usable.map((m) => m.id).join(', ') || 'none';
    throw new HelperError(
      `this Copilot account serves no Claude model (models: ${listed})` +
        (disabled.length
          ? `; listed but not enabled: ${disabled.join(', ')} (turn them on at https://github.com/settings/copilot)`
          : ''),
    );
  }
  const newestOf = (family: Family) =>
    claude.find((id) => id.toLowerCase().includes(family));
  const notes: string[] = [];
  const pick = (family: Family): string => {
    for (const standIn of STAND_INS[family]) {
      const id = newestOf(standIn);
      if (!id) continue;
      if (standIn !== family) {
        notes.push(`# No ${family} model on this account: ${family} is ${id}`);
      }
      return id;
    }
    notes.push(
      `# No ${family} model on this account: ${family} is ${claude[0]}`,
    );
    return claude[0];
  };
  const all = usable.map((m) => m.id);
  const opus = claudeCodeId(pick('opus'), all);
  const sonnet = claudeCodeId(pick('sonnet'), all);
  const haiku = claudeCodeId(pick('haiku'), all);
  const exportLine = (name: string, value: string) =>
    `export ${name}=${shellQuote(value)}`;
  return [
    '# copilot-proxy for Claude Code: eval "$(npm run -s claude-code)", then run claude',
    exportLine('ANTHROPIC_BASE_URL', baseUrl),
    keyVariable
      ? `export ANTHROPIC_AUTH_TOKEN="\${${keyVariable}:?export ${keyVariable}=<your proxy key> first}"`
      : 'export ANTHROPIC_AUTH_TOKEN=copilot-proxy  # any value: keys are off',
    exportLine('ANTHROPIC_MODEL', sonnet),
    exportLine('ANTHROPIC_DEFAULT_OPUS_MODEL', opus),
    exportLine('ANTHROPIC_DEFAULT_SONNET_MODEL', sonnet),
    exportLine('ANTHROPIC_DEFAULT_HAIKU_MODEL', haiku),
    exportLine('ANTHROPIC_SMALL_FAST_MODEL', haiku),
    ...notes,
    `# Claude models on this account: ${claude.join(', ')}`,
    ...(disabled.length
      ? [
          `# Listed but not enabled (turn them on at https://github.com/settings/copilot): ${disabled.join(', ')}`,
        ]
      : []),
    '',
  ].join('\n');
}
