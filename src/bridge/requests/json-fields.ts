import { UntranslatableError, type Json } from '../ir';

/**
 * Typed access to a client body, each failure an `UntranslatableError` naming
 * the field. `null` counts as absent, as OpenAI clients (Codex) send it.
 */

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function fieldPath(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

export function recordAt(value: unknown, path: string): Json {
  if (!isRecord(value))
    throw new UntranslatableError(path, 'must be an object');
  return value;
}

export function arrayAt(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new UntranslatableError(path, 'must be an array');
  }
  return value;
}

export function stringAt(value: unknown, path: string): string {
  if (typeof value !== 'string') {
    throw new UntranslatableError(path, 'must be a string');
  }
  return value;
}

export function optionalString(
  value: unknown,
  path: string,
): string | undefined {
  return isSet(value) ? stringAt(value, path) : undefined;
}

export function optionalNumber(
  value: unknown,
  path: string,
): number | undefined {
  if (!isSet(value)) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new UntranslatableError(path, 'must be a number');
  }
  return value;
}

export function optionalBoolean(
  value: unknown,
  path: string,
): boolean | undefined {
  if (!isSet(value)) return undefined;
  if (typeof value !== 'boolean') {
    throw new UntranslatableError(path, 'must be true or false');
  }
  return value;
}

export function optionalRecord(value: unknown, path: string): Json | undefined {
  return isSet(value) ? recordAt(value, path) : undefined;
}

export function optionalArray(
  value: unknown,
  path: string,
): unknown[] | undefined {
  return isSet(value) ? arrayAt(value, path) : undefined;
}

/** OpenAI's `stop`: a string or an array of strings. */
export function stopSequences(
  value: unknown,
  path: string,
): string[] | undefined {
  if (!isSet(value)) return undefined;
  const list = typeof value === 'string' ? [value] : arrayAt(value, path);
  return list.map((item, i) => stringAt(item, `${path}[${i}]`));
}
