import {
  containersRead,
  JsonIndex,
  skipSpace,
  type Slot,
  type Span,
  stringEnd,
} from './json-index';

/** A place in a JSON document: object keys and array indexes from the root. */
export type JsonPath = ReadonlyArray<string | number>;

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
