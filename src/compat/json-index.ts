/** Where one value sits in the bytes: `[start, end)`. */
export interface Span {
  start: number;
  end: number;
}

/** A member of an object or an element of an array, with where it begins. */
export interface Slot extends Span {
  /** The member's key, or the element's index. */
  step: string | number | undefined;
  /** Where the member's key starts (the value, for an array element). */
  from: number;
}

type JsonPath = ReadonlyArray<string | number>;

/**
 * The containers of one body, each read once when first asked for: its slots
 * in order, and by key or index.
 */
export class JsonIndex {
  private readonly root: Span | undefined;
  private readonly read = new Map<
    number,
    { list: Slot[]; byStep: Map<unknown, Slot> } | undefined
  >();

  constructor(readonly body: Buffer) {
    const start = skipSpace(body, 0);
    const end = valueEnd(body, start);
    this.root = end === -1 ? undefined : { start, end };
  }

  valueAt(path: JsonPath): Span | undefined {
    let span: Span | undefined = this.root;
    for (const step of path) {
      if (!span) return undefined;
      span = this.slot(span, step);
    }
    return span && { start: span.start, end: span.end };
  }

  slots(parent: Span): Slot[] | undefined {
    return this.container(parent)?.list;
  }

  slot(parent: Span, step: unknown): Slot | undefined {
    return this.container(parent)?.byStep.get(step);
  }

  private container(parent: Span) {
    if (!this.read.has(parent.start)) {
      const list = slotsOf(this.body, parent);
      this.read.set(
        parent.start,
        list && { list, byStep: new Map(list.map((s) => [s.step, s])) },
      );
    }
    return this.read.get(parent.start);
  }
}

/** How many containers `slotsOf` has read, ever (for `apply`'s `stats`). */
export let containersRead = 0;

/** The members of the object, or elements of the array, at `parent`. */
export function slotsOf(body: Buffer, parent: Span): Slot[] | undefined {
  containersRead++;
  const open = body[parent.start];
  const isObject = open === 0x7b;
  if (!isObject && open !== 0x5b) return undefined;
  const slots: Slot[] = [];
  let i = skipSpace(body, parent.start + 1);
  if (i === parent.end - 1) return slots;
  for (let index = 0; i < parent.end; index++) {
    const from = i;
    let step: string | number | undefined = index;
    if (isObject) {
      const keyEnd = stringEnd(body, i);
      if (body[i] !== 0x22 || keyEnd === -1) return undefined;
      step = keyOf(body, i, keyEnd + 1);
      i = skipSpace(body, keyEnd + 1);
      if (body[i] !== 0x3a) return undefined;
      i = skipSpace(body, i + 1);
    }
    const start = i;
    const end = valueEnd(body, start);
    if (end === -1) return undefined;
    slots.push({ step, from, start, end });
    const next = skipSpace(body, end);
    if (body[next] !== 0x2c) return slots;
    i = skipSpace(body, next + 1);
  }
  return slots;
}

function keyOf(body: Buffer, start: number, end: number): string | undefined {
  const raw = body.subarray(start, end);
  if (!raw.includes(0x5c)) return raw.toString('utf8', 1, raw.length - 1);
  try {
    return JSON.parse(raw.toString('utf8')) as string;
  } catch {
    return undefined;
  }
}

/** The index just past the JSON value starting at `start`, or -1. */
function valueEnd(body: Buffer, start: number): number {
  const first = body[start];
  if (first === 0x22) {
    const end = stringEnd(body, start);
    return end === -1 ? -1 : end + 1;
  }
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let i = start; i < body.length; i++) {
      const byte = body[i];
      if (byte === 0x22) {
        i = stringEnd(body, i);
        if (i === -1) return -1;
      } else if (byte === 0x7b || byte === 0x5b) depth++;
      else if (byte === 0x7d || byte === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  // A number, true, false or null: up to the next delimiter.
  let i = start;
  while (i < body.length && !DELIMITERS.has(body[i])) i++;
  return i === start ? -1 : i;
}

/** `,`, `:`, `}`, `]` and JSON whitespace end a scalar. */
const DELIMITERS = new Set([0x2c, 0x3a, 0x7d, 0x5d, 0x20, 0x09, 0x0a, 0x0d]);

/** The index of the quote closing the string opened at `start`, or -1. */
export function stringEnd(body: Buffer, start: number): number {
  for (let i = start + 1; i < body.length; i++) {
    const byte = body[i];
    if (byte === 0x5c) i++;
    else if (byte === 0x22) return i;
  }
  return -1;
}

export function skipSpace(body: Buffer, from: number): number {
  let i = from;
  while (
    i < body.length &&
    (body[i] === 0x20 ||
      body[i] === 0x09 ||
      body[i] === 0x0a ||
      body[i] === 0x0d)
  )
    i++;
  return i;
}
