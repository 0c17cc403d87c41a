import type { Json } from '../ir';
import { parseObject } from './json-fields';

/** Chat and Responses clients parse arguments as JSON: no arguments is `{}`. */
export function argumentsJson(text: string): string {
  return text.trim() === '' ? '{}' : text;
}

/**
 * Anthropic `tool_use.input` is an object. Arguments that are not a JSON object
 * (none, or a model's broken JSON) become `{}`: the block must stay valid.
 */
export function argumentsObject(text: string): Json {
  return parseObject(text) ?? {};
}

/** A tool call's arguments as the upstream sent them: a JSON text, or an object some send. */
export function argumentsText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}
