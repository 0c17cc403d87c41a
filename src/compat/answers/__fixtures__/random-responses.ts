/**
 * Test support: seeded random `/responses` streams for the pinning specs —
 * shaped like Copilot's (items opened or not, churning ids, deltas, a terminal
 * event) or loose (any event in any order), with what the scan must leave to
 * the parse: escapes, `\u2028`, emoji, ids inside delta text, missing, late or
 * odd `sequence_number`s, unusual spacing and layouts, duplicated and escaped
 * keys, broken JSON, bytes that are not UTF-8.
 */
export function randomStreams(seed: number, count: number): Buffer[] {
  const random = new Random(seed);
  return Array.from({ length: count }, () => new StreamMaker(random).make());
}

type Json = Record<string, unknown>;

/** A small LCG: the same streams on every run. */
class Random {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state * 1103515245 + 12345) % 2147483648;
    return this.state / 2147483648;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(from: readonly T[]): T {
    return from[this.int(from.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
const ODD_IDS = [
  '',
  'a',
  'x"y',
  'a\\b',
  'é🌤️',
  '\u2028id',
  ':',
  '":1,"',
  'i\u0001',
];
const TEXTS = ['hi', ' ', 'a"b', 'back\\slash', '\u2028\u2029', 'café 🌤️'];
const MORE_TEXTS = ['\n\t\r', '\u0000\u001f', '{"city":', '\ud83d\ude00', ''];
const TERMINAL = [
  'response.completed',
  'response.incomplete',
  'response.failed',
];
const DELTAS = [
  'response.output_text.delta',
  'response.reasoning_summary_text.delta',
  'response.function_call_arguments.delta',
  'response.content_part.added',
  'error',
];
/** Odd spellings of an event's JSON, each still or no longer JSON. */
const SPELLINGS: Array<(t: string, id: () => string) => string> = [
  (t) => t.replace(/":/g, '": ').replace(/,"/g, ',\t"'),
  (t) => JSON.stringify(JSON.parse(t), null, 1),
  (t) => t.replace('"item_id"', '"item\\u005fid"'),
  (t) => t.replace('/', '\\/'),
  (t) => t.replace(/}$/, ',"type":"response.x"}'),
  (t, id) => t.replace(/}$/, `,"item_id":${JSON.stringify(id())}}`),
  (t) => t.slice(0, -2),
  (t) => t.replace('"delta":"', '"delta":"\t'),
  (t) => t.replace(/"output_index":(\d)/, '"output_index":0$1'),
  (t) => `${t} `,
  (t) => t.replace('"id":', '"i\\u0064":'),
  (t) => t.replace(/(\d)([,}])/, '$1.0$2'),
  (t) => t.replace(/"sequence_number":\d+/, '"sequence_number":true'),
  (t) => t.replace('"output":', '"output":[],"output":'),
  (t) => t.replace(/"id":("[^"]*")/, '"id":$1,"id":"other"'),
  (t) => t.replace(/"id":"[^"]*"/, '"id":null'),
  (t) => t.replace(/^{/, '{"response":{"output":[{"id":"zz"}]},'),
];

class StreamMaker {
  private readonly ids: string[] = [];
  private sequence = 0;

  constructor(private readonly r: Random) {}

  make(): Buffer {
    const { r } = this;
    const events = r.chance(0.5)
      ? this.shaped()
      : Array.from({ length: 1 + r.int(20) }, () => this.loose());
    const ends = () => (r.chance(0.04) ? '\n\n\n' : '\n\n');
    return Buffer.concat(
      events.flatMap((event) => [event, Buffer.from(ends())]),
    );
  }

  /** Created, items (some never opened: R15's fast path), a terminal event. */
  private shaped(): Buffer[] {
    const { r } = this;
    const events: Json[] = [
      { type: 'response.created', response: { id: 'resp', output: [] } },
    ];
    const items = Array.from({ length: r.int(4) }, () => this.item());
    items.forEach((item, index) => {
      if (r.chance(0.3)) return;
      const opened = { ...item, id: this.id() };
      events.push({
        type: 'response.output_item.added',
        output_index: index,
        item: opened,
      });
      for (let n = r.int(4); n > 0; n--) events.push(this.delta(index));
      events.push({
        type: 'response.output_item.done',
        output_index: index,
        item: { ...item, id: this.id() },
      });
    });
    events.push({
      type: r.pick(TERMINAL),
      response: { id: 'resp', status: 'completed', output: items },
    });
    for (const event of events)
      if (r.chance(0.3)) event.sequence_number = this.sequence++;
    return events.map((event) => this.written(event));
  }

  private loose(): Buffer {
    const { r } = this;
    if (r.chance(0.04)) return Buffer.from(r.pick(['data: [DONE]', ': ping']));
    const roll = r.next();
    const event: Json =
      roll < 0.6
        ? this.delta(this.index())
        : roll < 0.8
          ? {
              type: r.pick([
                'response.output_item.added',
                'response.output_item.done',
              ]),
              output_index: this.index(),
              item: this.item(),
            }
          : {
              type: r.pick(TERMINAL),
              response: {
                output: Array.from({ length: r.int(3) }, () => this.item()),
              },
            };
    const sequence = r.pick([undefined, this.sequence++, 0, 1.5, '3', 99]);
    if (sequence !== undefined) event.sequence_number = sequence;
    return this.written(event);
  }

  /** As Copilot writes it, or in another layout, other spelling, bad bytes. */
  private written(event: Json): Buffer {
    const { r } = this;
    let json = JSON.stringify(event);
    if (r.chance(0.25)) json = r.pick(SPELLINGS)(json, () => this.id());
    const name = String(event.type);
    const layout = r.pick([
      `event: ${name}\ndata: ${json}`,
      `event: ${name}\ndata: ${json}`,
      `event: ${name}\ndata: ${json}`,
      `data: ${json}`,
      `event:${name}\ndata:${json}`,
      `data: ${json}\nevent: ${name}`,
      `event: ${name}\r\ndata: ${json}`,
      `: note\nevent: ${name}\ndata: ${json}`,
      `event: ${name}\ndata: ${json.slice(0, 9)}\ndata: ${json.slice(9)}`,
    ]);
    const bytes = Buffer.from(r.chance(0.9) ? layout : layout.slice(7));
    if (r.chance(0.06)) {
      const data = bytes.indexOf('data:');
      const at = data + r.int(bytes.length - data);
      bytes[at] = r.pick([0x00, 0x09, 0x0a, 0x22, 0x5c, 0x7d, 0x80, 0xff]);
    }
    return bytes;
  }

  private delta(index: unknown): Json {
    const { r } = this;
    const event: Json = { type: r.pick(DELTAS), item_id: this.id() };
    if (index !== undefined) event.output_index = index;
    event.content_index = 0;
    event.delta = this.text();
    if (r.chance(0.3))
      event.logprobs = r.pick([[], [{ token: 'a', bytes: [97] }]]);
    if (r.chance(0.3)) event.obfuscation = this.base64(10);
    return event;
  }

  private item(): Json {
    const { r } = this;
    const type = r.pick(['message', 'reasoning', 'function_call']);
    const id = r.chance(0.95) ? this.id() : 7;
    if (type === 'message') {
      const content = [
        { type: 'output_text', text: this.text(), annotations: [] },
      ];
      return { id, type, status: 'completed', role: 'assistant', content };
    }
    if (type === 'reasoning') {
      const summary = [{ type: 'summary_text', text: this.text() }];
      return { id, type, summary, encrypted_content: this.base64(24) };
    }
    return { id, type, name: 'f', call_id: 'call_1', arguments: this.text() };
  }

  /** Mostly Copilot's ~408-character ids, some repeated or odd. */
  private id(): string {
    const { r, ids } = this;
    const roll = r.next();
    const id =
      roll < 0.05 && ids.length > 0
        ? r.pick(ids)
        : roll < 0.1
          ? r.pick(ODD_IDS)
          : this.base64(roll < 0.2 ? 1 + r.int(30) : 408);
    ids.push(id);
    return id;
  }

  private index(): unknown {
    return this.r.chance(0.9)
      ? this.r.int(3)
      : this.r.pick([undefined, '0', 2.5, -1, null]);
  }

  /** Text with escapes, emoji, line separators, and ids of the stream. */
  private text(): string {
    const { r, ids } = this;
    if (r.chance(0.2) && ids.length > 0) {
      const id = r.pick(ids);
      return r.pick([id, `"${id}`, `${id}"`, `say "${id}`, `${id}${id}`]);
    }
    const words = [...TEXTS, ...MORE_TEXTS];
    return Array.from({ length: 1 + r.int(3) }, () => r.pick(words)).join('');
  }

  private base64(length: number): string {
    return Array.from({ length }, () => B64[this.r.int(64)]).join('');
  }
}
