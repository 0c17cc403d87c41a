import type { OutgoingHttpHeaders } from 'node:http';
import { deleteHeader, setHeader } from '../http/header-policy';
import type { CompatApi, CompatEdit, CompatRule } from './compat-rule';
import { JsonEdits, type JsonPath } from './json-edits';

/** A request as the rules get it. */
export interface RuleInput {
  api: CompatApi;
  model: string | undefined;
  /** The body's bytes, when read. */
  bytes: Buffer | undefined;
  /** The body parsed, when the caller has it (parsed here otherwise). */
  parsed?: unknown;
  headers: OutgoingHttpHeaders;
  translated: boolean;
  direction?: string;
}

/** What the rules did: the names of those that changed something, and the result. */
export interface RuleResult {
  applied: string[];
  /** The edited body, or undefined when no body edit was made. */
  bytes: Buffer | undefined;
  /** The headers to send (a copy when a rule changed one, else the input's). */
  headers: OutgoingHttpHeaders;
}

/**
 * Runs `rules` over one request: each reads the parsed body and records its
 * edits; the body's bytes are edited once, at the end, and only where a rule
 * asked. A request no rule touches comes back as it was, byte for byte.
 *
 * Two rules may want the same place (m9 folds inline system text into `system`
 * while c4 takes Claude Code's billing line out of it): a rule whose edits land
 * on or inside a place an earlier rule edited — or around one — runs again on
 * the body as the earlier rules left it, so each sees the other's result and
 * neither edit is lost. Only then is the body edited and parsed again.
 */
export function applyRules(
  rules: readonly CompatRule[],
  input: RuleInput,
): RuleResult {
  let body = objectOf(input);
  let bytes = input.bytes;
  let edits = new JsonEdits();
  let edited = new EditedPaths();
  let headers = input.headers;
  let ruleEdits = new JsonEdits();
  const edit: CompatEdit = {
    set: (path, value) => ruleEdits.set(path, value),
    remove: (path) => ruleEdits.remove(path),
    rename: (path, key) => ruleEdits.rename(path, key),
    setHeader: (name, value) => {
      if (headers === input.headers) headers = { ...input.headers };
      setHeader(headers, name, value);
    },
    deleteHeader: (name) => {
      if (headers === input.headers) headers = { ...input.headers };
      deleteHeader(headers, name.toLowerCase());
    },
  };
  const applied: string[] = [];
  const request = {
    api: input.api,
    model: input.model,
    body,
    headers: input.headers,
    translated: input.translated,
    direction: input.direction,
  };
  const run = (rule: CompatRule): boolean => {
    ruleEdits = new JsonEdits();
    request.headers = headers;
    request.body = body;
    return rule.apply(request, edit);
  };
  for (const rule of rules) {
    if (!rule.apis.includes(input.api)) continue;
    let changed = run(rule);
    if (ruleEdits.size > 0 && bytes && edited.meets(ruleEdits.paths)) {
      const settled = edits.apply(bytes);
      const reparsed = settled && parseObject(settled);
      if (settled && reparsed) {
        bytes = settled;
        body = reparsed;
        edits = new JsonEdits();
        edited = new EditedPaths();
        changed = run(rule);
      }
    }
    edited.add(ruleEdits.paths);
    edits.merge(ruleEdits);
    if (changed) applied.push(rule.name);
  }
  let out: Buffer | undefined;
  if (bytes) {
    out = edits.size > 0 ? edits.apply(bytes) : bytes;
    if (out === input.bytes) out = undefined;
    if (out && headers === input.headers) headers = { ...input.headers };
  }
  return { applied, bytes: out, headers };
}

/**
 * The places edited so far, to tell whether a new edit meets one: the same
 * place, one inside it, or one around it.
 */
class EditedPaths {
  private readonly exact = new Set<string>();
  private readonly around = new Set<string>();

  add(paths: readonly JsonPath[]): void {
    for (const path of paths) {
      const keys = prefixKeys(path);
      this.exact.add(keys[keys.length - 1]);
      for (const key of keys) this.around.add(key);
    }
  }

  meets(paths: readonly JsonPath[]): boolean {
    for (const path of paths) {
      const keys = prefixKeys(path);
      if (this.around.has(keys[keys.length - 1])) return true;
      if (keys.some((key) => this.exact.has(key))) return true;
    }
    return false;
  }
}

/** A key for each prefix of `path`, itself last (`""` for the root). */
function prefixKeys(path: JsonPath): string[] {
  const keys = [''];
  let key = '';
  for (const step of path) {
    key += typeof step === 'number' ? `\u0000${step}` : `\u0001${step}`;
    keys.push(key);
  }
  return keys;
}

function parseObject(bytes: Buffer): Record<string, unknown> | undefined {
  return objectOf({ bytes } as RuleInput);
}

function objectOf(input: RuleInput): Record<string, unknown> | undefined {
  let parsed = input.parsed;
  if (parsed === undefined && input.bytes) {
    try {
      parsed = JSON.parse(input.bytes.toString('utf8'));
    } catch {
      return undefined;
    }
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : undefined;
}
