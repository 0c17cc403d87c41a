import type { OutgoingHttpHeaders } from 'node:http';
import { deleteHeader, setHeader } from '../http/header-policy';
import type { CompatApi, CompatEdit, CompatRule } from './compat-rule';
import { JsonEdits } from './json-edits';

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
 */
export function applyRules(
  rules: readonly CompatRule[],
  input: RuleInput,
): RuleResult {
  const body = objectOf(input);
  const edits = new JsonEdits();
  let headers = input.headers;
  const edit: CompatEdit = {
    set: (path, value) => edits.set(path, value),
    remove: (path) => edits.remove(path),
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
  };
  for (const rule of rules) {
    if (!rule.apis.includes(input.api)) continue;
    request.headers = headers;
    if (rule.apply(request, edit)) applied.push(rule.name);
  }
  let bytes: Buffer | undefined;
  if (edits.size > 0 && input.bytes) {
    bytes = edits.apply(input.bytes);
    if (bytes && headers === input.headers) headers = { ...input.headers };
  }
  return { applied, bytes, headers };
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
