import type { PipeTransform } from '../../../http/stream-pipe';

/**
 * What a client gets when `wire` passes `transform`, cut into chunks of
 * `size` bytes (1: every byte its own chunk, so lines split anywhere).
 */
export function runStream(
  transform: PipeTransform,
  wire: string,
  size = Infinity,
): string {
  const bytes = Buffer.from(wire, 'utf8');
  const out: Buffer[] = [];
  const step = Math.min(size, bytes.length) || 1;
  for (let at = 0; at < bytes.length; at += step)
    out.push(toBytes(transform.chunk(bytes.subarray(at, at + step))));
  out.push(toBytes(transform.end()));
  return Buffer.concat(out).toString('utf8');
}

function toBytes(out: string | Buffer): Buffer {
  return typeof out === 'string' ? Buffer.from(out, 'utf8') : out;
}

/** The JSON data of each event of a stream (`[DONE]` as a string). */
export function eventData(stream: string): unknown[] {
  return stream
    .split('\n\n')
    .filter((event) => event.trim() !== '')
    .map((event) => {
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.replace(/^data: ?/, ''))
        .join('\n');
      return data.startsWith('{') ? JSON.parse(data) : data;
    });
}

/** A long opaque id like Copilot's (R16): `seed` repeated to 408 characters. */
export function longId(seed: string): string {
  return seed.repeat(Math.ceil(408 / seed.length)).slice(0, 408);
}

/** One SSE event as Copilot writes it: named, one data line. */
export function sse(data: Record<string, unknown>): string {
  return `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
}
