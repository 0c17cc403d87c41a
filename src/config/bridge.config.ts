import { EnvReader } from './env-reader';

const ALIAS = /^[\w.:/-]{1,100}$/;

export function readBridgeConfig(env: EnvReader) {
  const aliases = new Map<string, string>();
  for (const pair of env.list('MODEL_ALIASES')) {
    const [from, to, extra] = pair.split('=').map((part) => part.trim());
    if (
      extra !== undefined ||
      !from ||
      !to ||
      !ALIAS.test(from) ||
      !ALIAS.test(to)
    ) {
      env.problems.push(
        `MODEL_ALIASES must be a comma-separated list of name=model-id (got "${pair}")`,
      );
      continue;
    }
    aliases.set(from, to);
  }
  return {
    /** `on`: a model is reached from every client API, translated where needed. */
    enabled: env.boolean('BRIDGE', true),
    /** Model names clients send → ids the account lists (`opus=claude-opus-4.6`). */
    aliases,
  };
}
export type BridgeConfig = ReturnType<typeof readBridgeConfig>;
