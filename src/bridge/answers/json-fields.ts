import type { Json } from '../ir';

/** `value` when it is a JSON object (not an array, not null). */
export function objectOf(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

/** The objects of `value` when it is an array; anything else in it is skipped. */
export function objectsOf(value: unknown): Json[] {
  if (!Array.isArray(value)) return [];
  const objects: Json[] = [];
  for (const item of value) {
    const object = objectOf(item);
    if (object) objects.push(object);
  }
  return objects;
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A string with at least one character (upstreams send `""` for "none"). */
export function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}

/** The JSON object in `text`, or undefined when it is not one. */
export function parseObject(text: string): Json | undefined {
  try {
    return objectOf(JSON.parse(text));
  } catch {
    return undefined;
  }
}
