/**
 * Micro-benchmark of rule r9 (pinning Responses item ids) per event: churning
 * Responses streams (`churningEvents`, the load bench's fake: created, item
 * added, `PIN_DELTAS` text deltas, item done, completed; a new ~408-char id on
 * every event, no `sequence_number`) replayed through `EventStreamTransform`,
 * one chunk per write of the fake. Prints µs per event for each variant, the
 * median of `PIN_ROUNDS` interleaved rounds of `PIN_REPLAYS` streams.
 *
 *   node -r ts-node/register/transpile-only bench/pin-events.ts
 *
 * `PIN_OLD_SRC` names another checkout's `src` whose transform and filter are
 * measured beside this tree's, e.g. the code before a change:
 *
 *   mkdir -p /tmp/pin-old && git archive main src | tar -x -C /tmp/pin-old
 *   PIN_OLD_SRC=/tmp/pin-old/src node -r ts-node/register/transpile-only bench/pin-events.ts
 */
import { join } from 'node:path';
import { churningEvents } from './churning-responses';

interface Transform {
  chunk(chunk: Buffer): Buffer;
  end(): Buffer;
}
type Make = () => Transform;

const STREAMS = 200;
const DELTAS = Number(process.env.PIN_DELTAS ?? 20);
const ROUNDS = Number(process.env.PIN_ROUNDS ?? 9);
const REPLAYS = Number(process.env.PIN_REPLAYS ?? 2000);

/** The chunks of one stream: head, one per delta, tail. */
function streamChunks(): Buffer[] {
  const stream = churningEvents();
  const chunks = [stream.head()];
  for (let i = 0; i < DELTAS; i++) chunks.push(stream.delta(Date.now()));
  chunks.push(stream.tail());
  return chunks.map((text) => Buffer.from(text, 'utf8'));
}

function variants(): Record<string, Make> {
  const load = (src: string) => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { EventStreamTransform } = require(
      join(src, 'compat/answers/event-stream'),
    ) as typeof import('../src/compat/answers/event-stream');
    const { pinResponsesItemIds } = require(
      join(src, 'compat/answers/pin-responses-item-ids'),
    ) as typeof import('../src/compat/answers/pin-responses-item-ids');
    /* eslint-enable @typescript-eslint/no-require-imports */
    return {
      pass: () => new EventStreamTransform([]),
      pin: () => new EventStreamTransform([pinResponsesItemIds(() => {})]),
    };
  };
  const current = load(join(__dirname, '../src'));
  const old = process.env.PIN_OLD_SRC
    ? load(process.env.PIN_OLD_SRC)
    : undefined;
  return {
    ...(old ? { 'split only, old tree': old.pass } : {}),
    'split only, this tree': current.pass,
    ...(old ? { 'pinned, old tree': old.pin } : {}),
    'pinned, this tree': current.pin,
  };
}

/** µs per event over `REPLAYS` streams. */
function measure(make: Make, streams: Buffer[][], events: number): number {
  let bytes = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < REPLAYS; i++) {
    const transform = make();
    for (const chunk of streams[i % streams.length])
      bytes += transform.chunk(chunk).length;
    bytes += transform.end().length;
  }
  const ns = Number(process.hrtime.bigint() - start);
  if (bytes === 0) throw new Error('nothing written');
  return ns / 1000 / (REPLAYS * events);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main() {
  const streams = Array.from({ length: STREAMS }, streamChunks);
  const events = DELTAS + 4;
  const all = variants();
  const times = new Map<string, number[]>();
  for (const [name, make] of Object.entries(all)) {
    measure(make, streams, events); // warm-up
    times.set(name, []);
  }
  for (let round = 0; round < ROUNDS; round++)
    for (const [name, make] of Object.entries(all))
      times.get(name)!.push(measure(make, streams, events));
  console.log(
    `${REPLAYS} streams × ${events} events (${DELTAS} deltas), median of ${ROUNDS} interleaved rounds:`,
  );
  for (const [name, values] of times)
    console.log(
      `  ${name.padEnd(24)} ${median(values).toFixed(2)} µs/event  (min ${Math.min(...values).toFixed(2)}, max ${Math.max(...values).toFixed(2)})`,
    );
}

main();
