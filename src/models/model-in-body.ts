/**
 * Where the top-level `"model"` value of a JSON body sits, found by walking the
 * bytes (strings and nesting followed), so a `"model"` inside a message or a
 * nested object is never taken for it. Undefined when there is none, it is not a
 * string, or the body is not a JSON object.
 */
export function modelValueSpan(
  body: Buffer,
): { start: number; end: number } | undefined {
  let depth = 0;
  let i = skipSpace(body, 0);
  if (body[i] !== 0x7b /* { */) return undefined;
  let expectKey = false;
  for (; i < body.length; i++) {
    const byte = body[i];
    if (byte === 0x22 /* " */) {
      const end = stringEnd(body, i);
      if (end === -1) return undefined;
      if (depth === 1 && expectKey) {
        const colon = skipSpace(body, end + 1);
        if (body[colon] !== 0x3a /* : */) return undefined;
        if (isModelKey(body, i, end)) {
          const value = skipSpace(body, colon + 1);
          if (body[value] !== 0x22) return undefined;
          const valueEnd = stringEnd(body, value);
          return valueEnd === -1
            ? undefined
            : { start: value, end: valueEnd + 1 };
        }
        expectKey = false;
        i = colon;
        continue;
      }
      i = end;
      continue;
    }
    if (byte === 0x7b || byte === 0x5b /* [ */) {
      depth++;
      expectKey = byte === 0x7b && depth === 1;
    } else if (byte === 0x7d || byte === 0x5d) {
      depth--;
      if (depth === 0) return undefined;
    } else if (byte === 0x2c /* , */ && depth === 1) {
      expectKey = true;
    }
  }
  return undefined;
}

/** The body with its top-level `model` set to `id`: every other byte as it was. */
export function withModel(body: Buffer, id: string): Buffer | undefined {
  const span = modelValueSpan(body);
  if (!span) return undefined;
  return Buffer.concat([
    body.subarray(0, span.start),
    Buffer.from(JSON.stringify(id), 'utf8'),
    body.subarray(span.end),
  ]);
}

const MODEL = Buffer.from('"model"');

function isModelKey(body: Buffer, start: number, end: number): boolean {
  return (
    end - start + 1 === MODEL.length &&
    body.compare(MODEL, 0, MODEL.length, start, end + 1) === 0
  );
}

/** The index of the quote closing the string opened at `start`, or -1. */
function stringEnd(body: Buffer, start: number): number {
  for (let i = start + 1; i < body.length; i++) {
    if (body[i] === 0x5c /* \ */) i++;
    else if (body[i] === 0x22) return i;
  }
  return -1;
}

function skipSpace(body: Buffer, from: number): number {
  let i = from;
  while (
    i < body.length &&
    (body[i] === 0x20 ||
      body[i] === 0x0a ||
      body[i] === 0x0d ||
      body[i] === 0x09)
  )
    i++;
  return i;
}
