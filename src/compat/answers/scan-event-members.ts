import { JsonScan } from './json-scan';
import { NINE, OPEN_ARRAY, OPEN_OBJECT, QUOTE, ZERO } from './json-bytes';

/** What `EventScan.member` and `element` read (`JsonScan`'s watches). */
const EVENT = 1;
const ITEM = 2;
const RESPONSE = 3;
const OUTPUT = 4;
const OUTPUT_ITEM = 5;

/** The top-level members of a Responses event that item-id pinning reads. */
export interface EventMembers {
  /** The `type` string's contents, `[typeStart, typeEnd)`. */
  readonly typeStart: number;
  readonly typeEnd: number;
  /**
   * The item's id string, quotes included, `[idStart, idEnd)`: `item_id`, else
   * the `id` of an `item` object (-1 when neither is there).
   */
  readonly idStart: number;
  readonly idEnd: number;
  /** `output_index` (-1 when absent). */
  readonly outputIndex: number;
  /** `sequence_number` (-1 when absent). */
  readonly sequenceNumber: number;
  /** A `response` member is present. */
  readonly hasResponse: boolean;
  /**
   * When `response` is an object whose `output` is an array: for each item of
   * it that is an object with a string `id`, its index and the id's span,
   * quotes included, flat (`index, start, end, …`).
   */
  readonly outputIds: readonly number[] | undefined;
  /** Where the object's closing brace is. */
  readonly close: number;
}

/**
 * The members pinning reads from the JSON object filling `bytes` from `start`,
 * found by one pass over its bytes that builds no values, or undefined when the
 * text is not that plain: not JSON as `JSON.parse` reads it (every value is
 * checked, see `JsonScan`), or JSON but unusual — an escape in a key of an
 * object read here (the event, its `item`, its `response`, the items of
 * `response.output`) or in `type` or an id; a member read here twice; `type`
 * missing or not a string; `item_id` not a string; an index or sequence number
 * that is not a plain integer. Its caller then parses it.
 */
export function scanEventMembers(
  bytes: Uint8Array,
  start: number,
): EventMembers | undefined {
  if (bytes[start] !== OPEN_OBJECT) return undefined;
  const scan = new EventScan(bytes);
  const end = scan.object(start, 0, EVENT);
  if (end === -1 || scan.blank(end) !== bytes.length) return undefined;
  return scan.typeStart === -1 ? undefined : scan.done(end - 1);
}

class EventScan extends JsonScan implements EventMembers {
  typeStart = -1;
  typeEnd = -1;
  idStart = -1;
  idEnd = -1;
  outputIndex = -1;
  sequenceNumber = -1;
  hasResponse = false;
  outputIds: number[] | undefined;
  close = -1;
  private hasItem = false;
  private hasOutput = false;
  /** The `id` of the object last read for it (`item`, an output item). */
  private objectId = NO_ID;
  /** `item.id`. */
  private itemId = NO_ID;

  done(close: number): this {
    this.close = close;
    if (this.idStart === -1) {
      this.idStart = this.itemId.start;
      this.idEnd = this.itemId.end;
    }
    return this;
  }

  /**
   * A member of the event (`type`, ids, numbers noted; `item` and `response`
   * read for their ids), of its `item` or an output item (`id` noted), or of
   * its `response` (`output` read item by item).
   */
  protected member(
    watch: number,
    keyStart: number,
    keyEnd: number,
    start: number,
    depth: number,
  ): number {
    const { b } = this;
    if (watch === ITEM || watch === OUTPUT_ITEM) {
      const end = this.value(start, depth);
      if (end === -1 || !keyIs(b, keyStart, keyEnd, ID_KEY)) return end;
      // Twice, or a string with an escape: parse it.
      if (this.objectId !== NO_ID || (b[start] === QUOTE && this.escaped))
        return -1;
      this.objectId = b[start] === QUOTE ? { start, end } : NOT_STRING;
      return end;
    }
    if (watch === RESPONSE) {
      if (!keyIs(b, keyStart, keyEnd, OUTPUT_KEY))
        return this.value(start, depth);
      if (this.hasOutput) return -1;
      this.hasOutput = true;
      if (b[start] !== OPEN_ARRAY) return this.value(start, depth);
      this.outputIds = [];
      return this.array(start, depth, OUTPUT);
    }
    const object = b[start] === OPEN_OBJECT;
    let end: number;
    if (object && keyIs(b, keyStart, keyEnd, ITEM_KEY)) {
      this.objectId = NO_ID;
      end = this.object(start, depth, ITEM);
      this.itemId = this.objectId;
    } else if (object && keyIs(b, keyStart, keyEnd, RESPONSE_KEY))
      end = this.object(start, depth, RESPONSE);
    else end = this.value(start, depth);
    return end !== -1 && this.note(keyStart, keyEnd, start, end) ? end : -1;
  }

  /** An item of `response.output`: its `id` noted. */
  protected element(
    watch: number,
    index: number,
    start: number,
    depth: number,
  ): number {
    if (this.b[start] !== OPEN_OBJECT) return this.value(start, depth);
    this.objectId = NO_ID;
    const end = this.object(start, depth, OUTPUT_ITEM);
    const id = this.objectId;
    if (id.start !== -1) this.outputIds?.push(index, id.start, id.end);
    return end;
  }

  /** Notes one top-level member; false when it is there twice or not plain. */
  private note(
    keyStart: number,
    keyEnd: number,
    start: number,
    end: number,
  ): boolean {
    const { b } = this;
    if (keyIs(b, keyStart, keyEnd, TYPE_KEY)) {
      if (this.typeStart !== -1 || !this.plainString(start)) return false;
      this.typeStart = start + 1;
      this.typeEnd = end - 1;
    } else if (keyIs(b, keyStart, keyEnd, ITEM_ID_KEY)) {
      if (this.idStart !== -1 || !this.plainString(start)) return false;
      this.idStart = start;
      this.idEnd = end;
    } else if (keyIs(b, keyStart, keyEnd, OUTPUT_INDEX_KEY)) {
      if (this.outputIndex !== -1) return false;
      this.outputIndex = plainInteger(b, start, end);
      return this.outputIndex !== -1;
    } else if (keyIs(b, keyStart, keyEnd, SEQUENCE_NUMBER_KEY)) {
      if (this.sequenceNumber !== -1) return false;
      this.sequenceNumber = plainInteger(b, start, end);
      return this.sequenceNumber !== -1;
    } else if (keyIs(b, keyStart, keyEnd, ITEM_KEY)) {
      if (this.hasItem) return false;
      this.hasItem = true;
    } else if (keyIs(b, keyStart, keyEnd, RESPONSE_KEY)) {
      if (this.hasResponse) return false;
      this.hasResponse = true;
    }
    return true;
  }

  /** Whether the value just read at `start` is a string without escapes. */
  private plainString(start: number): boolean {
    return this.b[start] === QUOTE && !this.escaped;
  }
}

/** An object's `id` as read: a string's span, or none (-1), or not a string. */
const NO_ID = { start: -1, end: -1 };
const NOT_STRING = { start: -1, end: -1 };

const [
  TYPE_KEY,
  ITEM_KEY,
  ITEM_ID_KEY,
  ID_KEY,
  RESPONSE_KEY,
  OUTPUT_KEY,
  OUTPUT_INDEX_KEY,
  SEQUENCE_NUMBER_KEY,
] = [
  'type',
  'item',
  'item_id',
  'id',
  'response',
  'output',
  'output_index',
  'sequence_number',
].map((key) => Buffer.from(key));

function keyIs(b: Uint8Array, start: number, end: number, key: Uint8Array) {
  if (end - start !== key.length) return false;
  for (let k = 0; k < key.length; k++)
    if (b[start + k] !== key[k]) return false;
  return true;
}

/** The digits of a whole number below 2^53 (`0`, `17`), or -1. */
function plainInteger(b: Uint8Array, start: number, end: number): number {
  if (end - start > 15) return -1;
  let n = 0;
  for (let k = start; k < end; k++) {
    const c = b[k];
    if (c < ZERO || c > NINE) return -1;
    n = n * 10 + (c - ZERO);
  }
  return n;
}
