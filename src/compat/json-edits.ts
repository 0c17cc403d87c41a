/** A place in a JSON document: object keys and array indexes from the root. */
export type JsonPath = ReadonlyArray<string | number>;

/** Where one value sits in the bytes: `[start, end)`. */
interface Span {
  start: number;
  end: number;
}

/** A member of an object or an element of an array, with where it begins. */
interface Slot extends Span {
  /** The member's key, or the element's index. */
  step: string | number | undefined;
  /** Where the member's key starts (the value, for an array element). */
  from: number;
}

type Patch = Span & { text: string };

type Edit =
  | { kind: 'set'; path: JsonPath; json: string }
  | { kind: 'remove'; path: JsonPath }
  | { kind: 'rename'; path: JsonPath; key: string };

/**
 * The smallest edits of a JSON body, made on its bytes (SPEC §3, §13): a value
 * replaced, a member added or removed, and every other byte as the client sent
 * it — spacing, key order, number spellings and escapes included. Edits are
 * collected by path, then applied together; an edit inside a value that another
 * edit replaces or removes is dropped (the outer edit wins).
 */
export class JsonEdits {
  private readonly edits: Edit[] = [];

  get size(): number {
    return this.edits.length;
  }

  /** Sets the value at `path`, adding the member last when its object lacks it. */
  set(path: JsonPath, value: unknown): void {
    this.edits.push({ kind: 'set', path, json: JSON.stringify(value) });
  }

  /** Removes the member or array element at `path` (nothing when absent). */
  remove(path: JsonPath): void {
    this.edits.push({ kind: 'remove', path });
  }

  /** Renames the member at `path` in place, its value's bytes kept (nothing when absent). */
  rename(path: JsonPath, key: string): void {
    this.edits.push({ kind: 'rename', path, key });
  }

  /** The paths edited, in the order the edits were made. */
  get paths(): readonly JsonPath[] {
    return this.edits.map((edit) => edit.path);
  }

  /** Adds `other`'s edits after this one's. */
  merge(other: JsonEdits): void {
    this.edits.push(...other.edits);
  }

  /**
   * The edited bytes, or undefined when a `set` path does not fit the body.
   * `stats` counts the containers read (the specs hold the work linear).
   */
  apply(body: Buffer, stats?: { containersRead: number }): Buffer | undefined {
    // Each container is read once, however many edits land in it: edits in the
    // thousands (a rule touching every block) cost one walk of the body.
    const readBefore = containersRead;
    const index = new JsonIndex(body);
    const patches: Patch[] = [];
    const removals = new Map<number, { parent: Span; steps: Set<unknown> }>();
    for (const edit of this.edits) {
      const parent = index.valueAt(edit.path.slice(0, -1));
      const last = edit.path[edit.path.length - 1];
      if (edit.kind === 'remove') {
        if (!parent) continue;
        const group = removals.get(parent.start) ?? {
          parent,
          steps: new Set(),
        };
        group.steps.add(last);
        removals.set(parent.start, group);
        continue;
      }
      if (edit.kind === 'rename') {
        const slot = parent && index.slot(parent, last);
        if (slot && body[slot.from] === 0x22)
          patches.push({
            start: slot.from,
            end: stringEnd(body, slot.from) + 1,
            text: JSON.stringify(edit.key),
          });
        continue;
      }
      if (!parent) return undefined;
      const patch = setPatch(index, parent, last, edit.json);
      if (!patch) return undefined;
      patches.push(patch);
    }
    for (const { parent, steps } of removals.values())
      patches.push(...removalPatches(index.slots(parent), steps));
    patches.sort((a, b) => a.start - b.start || b.end - a.end);
    const parts: Buffer[] = [];
    let at = 0;
    for (const patch of patches) {
      if (patch.start < at) continue; // inside an edit already made
      parts.push(body.subarray(at, patch.start), Buffer.from(patch.text));
      at = patch.end;
    }
    parts.push(body.subarray(at));
    if (stats) stats.containersRead = containersRead - readBefore;
    return Buffer.concat(parts);
  }
}

/** The span of the value at `path`, or undefined when there is none. */
export function valueAt(body: Buffer, path: JsonPath): Span | undefined {
  return new JsonIndex(body).valueAt(path);
}

/**
 * The containers of one body, each read once when first asked for: its slots
 * in order, and by key or index.
 */
class JsonIndex {
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

/** The value at `parent[last]` replaced, or added last in its object or array. */
function setPatch(
  index: JsonIndex,
  parent: Span,
  last: string | number,
  json: string,
): Patch | undefined {
  const body = index.body;
  const slot = index.slot(parent, last);
  if (slot) return { start: slot.start, end: slot.end, text: json };
  const close = parent.end - 1;
  const empty = skipSpace(body, parent.start + 1) === close;
  if (typeof last === 'string' && body[parent.start] === 0x7b) {
    const member = `${JSON.stringify(last)}:${json}`;
    return { start: close, end: close, text: empty ? member : `,${member}` };
  }
  // An array element past the end is appended (several in the order set).
  const length = index.slots(parent)?.length;
  if (typeof last !== 'number' || length === undefined || last < length)
    return undefined;
  return {
    start: close,
    end: close,
    text: empty && last === 0 ? json : `,${json}`,
  };
}

/**
 * The bytes to cut for the removed members of one container: each run of
 * removed slots goes with the separator that follows it, or, for a run at the
 * end, with the one before it, so what is left is still JSON.
 */
function removalPatches(
  slots: Slot[] | undefined,
  steps: Set<unknown>,
): Patch[] {
  if (!slots) return [];
  const patches: Patch[] = [];
  for (let i = 0; i < slots.length;) {
    if (!steps.has(slots[i].step)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < slots.length && steps.has(slots[j + 1].step)) j++;
    if (j + 1 < slots.length)
      patches.push({ start: slots[i].from, end: slots[j + 1].from, text: '' });
    else if (i > 0)
      patches.push({ start: slots[i - 1].end, end: slots[j].end, text: '' });
    else patches.push({ start: slots[i].from, end: slots[j].end, text: '' });
    i = j + 1;
  }
  return patches;
}

/** How many containers `slotsOf` has read, ever (for `apply`'s `stats`). */
let containersRead = 0;

/** The members of the object, or elements of the array, at `parent`. */
function slotsOf(body: Buffer, parent: Span): Slot[] | undefined {
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
function stringEnd(body: Buffer, start: number): number {
  for (let i = start + 1; i < body.length; i++) {
    const byte = body[i];
    if (byte === 0x5c) i++;
    else if (byte === 0x22) return i;
  }
  return -1;
}

function skipSpace(body: Buffer, from: number): number {
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
