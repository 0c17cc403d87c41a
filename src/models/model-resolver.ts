/** A `-YYYYMMDD` date suffix, as Anthropic dates its model ids. */
const DATE_SUFFIX = /-(?:19|20)\d{6}$/;
/** A version written with dashes (`4-5`) at the end, where Copilot writes `4.5`. */
const DASHED_VERSION = /-(\d{1,2})-(\d{1,2})$/;

/**
 * The listed id a requested model id stands for (SPEC §11): the id itself when
 * the account lists it; else an alias from `MODEL_ALIASES`; else the one listed
 * id it comes to with the date suffix dropped (`claude-sonnet-4-5-20250929`)
 * and/or a dashed version read as a dotted one (`claude-haiku-4-5` →
 * `claude-haiku-4.5`). Undefined when nothing — or more than one id — matches:
 * the id then goes upstream unchanged and Copilot's own error comes back.
 */
export function resolveModel(
  requested: string,
  listed: (id: string) => boolean,
  aliases: ReadonlyMap<string, string> = new Map(),
): string | undefined {
  if (listed(requested)) return requested;
  const alias = aliases.get(requested);
  if (alias !== undefined) return listed(alias) ? alias : undefined;
  const undated = requested.replace(DATE_SUFFIX, '');
  const candidates = new Set(
    [undated, dotted(requested), dotted(undated)].filter(
      (id) => id !== requested && listed(id),
    ),
  );
  return candidates.size === 1 ? [...candidates][0] : undefined;
}

function dotted(id: string): string {
  return id.replace(DASHED_VERSION, '-$1.$2');
}
