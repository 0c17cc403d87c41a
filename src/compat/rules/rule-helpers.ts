import type { CompatRule } from '../compat-rule';
import type { JsonPath } from '../json-edits';

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The elements of `value` when it is an array, else none. */
export const elements = (value: unknown): readonly unknown[] =>
  Array.isArray(value) ? value : [];

/** A JSON object found in a body, with its path. */
export interface Found {
  path: JsonPath;
  value: Json;
}

/**
 * Every place a Messages body may carry `cache_control`: the top level, system
 * blocks, tools, message content blocks and the blocks inside a
 * `tool_result.content` (`nested` marks those).
 */
export function cacheCarriers(body: Json): Array<Found & { nested: boolean }> {
  let found = CARRIERS.get(body);
  if (found === undefined) CARRIERS.set(body, (found = carriersOf(body)));
  return found;
}

/** The carriers of a body, found once for the rules that look at them (M2, M3, M5). */
const CARRIERS = new WeakMap<Json, Array<Found & { nested: boolean }>>();

function carriersOf(body: Json): Array<Found & { nested: boolean }> {
  const found: Array<Found & { nested: boolean }> = [
    { path: [], value: body, nested: false },
  ];
  const add = (path: JsonPath, value: unknown, nested = false) => {
    if (isObject(value)) found.push({ path, value, nested });
  };
  elements(body.system).forEach((block, i) => add(['system', i], block));
  elements(body.tools).forEach((tool, i) => add(['tools', i], tool));
  elements(body.messages).forEach((message, m) => {
    if (!isObject(message)) return;
    elements(message.content).forEach((block, b) => {
      const path = ['messages', m, 'content', b];
      add(path, block);
      if (isObject(block) && block.type === 'tool_result')
        elements(block.content).forEach((inner, i) =>
          add([...path, 'content', i], inner, true),
        );
    });
  });
  return found;
}

/**
 * A Claude model's version as a number (`claude-opus-4.7` → 4.7,
 * `claude-sonnet-4-5-20250929` → 4.5, `claude-3-5-sonnet` → 3.5), or undefined
 * for another model.
 */
export function claudeVersion(model: string | undefined): number | undefined {
  if (model === undefined) return undefined;
  const match =
    /^claude-(?:opus|sonnet|haiku)-(\d+)(?:[.-](\d{1,2})(?!\d))?/.exec(model) ??
    /^claude-(\d+)(?:[.-](\d{1,2})(?!\d))?-(?:opus|sonnet|haiku)/.exec(model);
  if (!match) return undefined;
  return Number(`${match[1]}.${match[2] ?? '0'}`);
}

/** Claude Code's attribution line (`x-anthropic-billing-header: cc_version=…;`) and the blank after it. */
export const BILLING_LINE = /^x-anthropic-billing-header:[^\n]*(?:\n\s*)?/;

/** A header's values joined by commas, whatever the case of its name. */
export function headerText(
  headers: Readonly<Record<string, unknown>>,
  lower: string,
): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== lower || value === undefined) continue;
    if (Array.isArray(value)) return value.join(',');
    return typeof value === 'string' ? value : JSON.stringify(value);
  }
  return undefined;
}

/** The comma-separated tokens of a header (`anthropic-beta`), trimmed, empty ones dropped. */
export function headerTokens(
  headers: Readonly<Record<string, unknown>>,
  lower: string,
): string[] {
  const text = headerText(headers, lower);
  if (text === undefined) return [];
  return text
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '');
}

/** A rule's `apply` that removes `cache_control.<member>` wherever a block carries one. */
export function removeCacheControlMember(member: string): CompatRule['apply'] {
  return ({ body }, edit) => {
    if (!body) return false;
    let changed = false;
    for (const { path, value } of cacheCarriers(body)) {
      const control = value.cache_control;
      if (!isObject(control) || !(member in control)) continue;
      edit.remove([...path, 'cache_control', member]);
      changed = true;
    }
    return changed;
  };
}

/** A rule's `apply` that removes the top-level member `field` when present. */
export function removeTopLevel(field: string): CompatRule['apply'] {
  return ({ body }, edit) => {
    if (body === undefined || !(field in body)) return false;
    edit.remove([field]);
    return true;
  };
}
