import { REQUEST_RULES } from '../compat/rules';
import { EnvReader } from './env-reader';

/**
 * Ids of rules that act on answers rather than requests (they run in the relay
 * but are switched the same way). Each answer rule adds its id here.
 */
export const ANSWER_RULE_IDS: readonly string[] = [
  // src/compat/answers (answer.stage.ts lists them with their names)
  'r9',
  'm13',
  'm12',
  'g6',
  'g4',
  'g3',
  // src/compat/retry-without-thinking.ts
  'm10r',
];

/**
 * `COMPAT=off` turns the compatibility stage off; `COMPAT_RULES` switches single
 * rules by their catalogue id: `-m1` off, `+m3` on (for the rules off by default),
 * comma-separated, case-insensitive.
 */
export function readCompatConfig(env: EnvReader) {
  const enabled = env.boolean('COMPAT', true);
  const known = new Map<string, boolean>();
  for (const rule of REQUEST_RULES) known.set(rule.id, !rule.offByDefault);
  for (const id of ANSWER_RULE_IDS) known.set(id, true);
  const on = new Map(known);
  for (const raw of env.list('COMPAT_RULES')) {
    const match = /^([+-]?)([a-z]+\d+[a-z]?)$/i.exec(raw.trim());
    const id = match?.[2].toLowerCase();
    if (!match || id === undefined || !known.has(id)) {
      env.problems.push(
        `COMPAT_RULES must list known rule ids, each as -id (off) or +id (on) (got "${raw.trim()}"; known: ${[...known.keys()].join(', ')})`,
      );
      continue;
    }
    on.set(id, match[1] !== '-');
  }
  return {
    /** The compatibility stage runs (SPEC §13). */
    enabled,
    /** Whether a rule id is on. */
    rules: on as ReadonlyMap<string, boolean>,
  };
}
export type CompatConfig = ReturnType<typeof readCompatConfig>;

/** Whether the rule `id` runs under `config`. */
export function ruleOn(config: CompatConfig, id: string): boolean {
  return config.enabled && config.rules.get(id) === true;
}
