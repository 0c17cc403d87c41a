/**
 * The JSON paths where two bodies differ (`system[1].cache_control.scope`,
 * `store`, `tools[0]`): what a test of a compat rule asserts is the only change
 * between what the client sent and what reached the fake. Buffers and strings are
 * parsed as JSON; arrays compare by position; a key on one side only is a difference.
 */
export function jsonDiff(a: unknown, b: unknown): string[] {
  const out: string[] = [];
  walk(parse(a), parse(b), '', out);
  return out;
}

function parse(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return JSON.parse(value.toString('utf8'));
  if (typeof value === 'string') return JSON.parse(value);
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function walk(a: unknown, b: unknown, path: string, out: string[]): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return void out.push(path || '.');
    a.forEach((item, i) => walk(item, b[i], `${path}[${i}]`, out));
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const at = path ? `${path}.${key}` : key;
      if (!(key in a) || !(key in b)) out.push(at);
      else walk(a[key], b[key], at, out);
    }
    return;
  }
  if (a !== b) out.push(path || '.');
}
