export interface ModelEntry {
  id: string;
  supported_endpoints?: string[];
  capabilities?: { type?: string };
}

const isClaude = (m: ModelEntry) =>
  /claude/i.test(m.id) ||
  (m.supported_endpoints ?? []).includes('/v1/messages');

/** The model of a family with the highest version-like number in its id. */
function newest(models: ModelEntry[], family: RegExp): ModelEntry | undefined {
  const version = (id: string) =>
    (id.match(/\d+(?:\.\d+)?/g) ?? [])
      .map(Number)
      .reduce((a, b) => a * 100 + b, 0);
  return models
    .filter((m) => family.test(m.id))
    .sort((a, b) => version(b.id) - version(a.id))[0];
}

/**
 * The shell lines Claude Code needs to use this proxy, for the models this
 * Copilot account has: the newest Sonnet (else any Claude model) as the main
 * model, the newest Haiku (else the main one) as the small fast model. The key is
 * referred to by variable, never printed.
 */
export function claudeCodeEnv(
  models: ModelEntry[],
  baseUrl: string,
  keyVariable: string | undefined,
): string {
  const claude = models.filter(isClaude);
  const main =
    newest(claude, /sonnet/i) ?? newest(claude, /opus/i) ?? claude[0];
  if (!main) {
    return `# This Copilot account offers no Claude model (models: ${models.map((m) => m.id).join(', ') || 'none'}).\n`;
  }
  const small = newest(claude, /haiku/i) ?? main;
  return [
    `export ANTHROPIC_BASE_URL=${baseUrl}`,
    keyVariable
      ? `export ANTHROPIC_AUTH_TOKEN="$${keyVariable}"`
      : 'export ANTHROPIC_AUTH_TOKEN=copilot-proxy  # any value: keys are off',
    `export ANTHROPIC_MODEL=${main.id}`,
    `export ANTHROPIC_SMALL_FAST_MODEL=${small.id}`,
    `# Claude models on this account: ${claude.map((m) => m.id).join(', ')}`,
    '',
  ].join('\n');
}
