/**
 * Test support: recorded upstream streams (`*.chunks.txt`, raw SSE bytes as
 * Copilot sends them) fed through `SseParser` → reader → writer in chunks.
 *
 * A fixture may hold `<<<CUT>>>` markers: the bytes are cut into chunks there
 * (the marker itself is no part of the stream). `<<<CUT+N>>>` cuts N bytes
 * further on, which splits the UTF-8 character that follows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SseParser } from '../../../http/sse';
import type {
  BridgeIds,
  StreamPart,
  StreamReader,
  StreamWriter,
} from '../../ir';

const MARKER = /<<<CUT(?:\+(\d+))?>>>/g;

export interface Fixture {
  name: string;
  bytes: Buffer;
  /** Byte offsets of the marked cuts. */
  cuts: number[];
}

export function loadFixture(name: string): Fixture {
  const text = readFileSync(join(__dirname, `${name}.chunks.txt`), 'utf8');
  const pieces: Buffer[] = [];
  const cuts: number[] = [];
  let length = 0;
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    const piece = Buffer.from(text.slice(last, match.index), 'utf8');
    pieces.push(piece);
    length += piece.length;
    cuts.push(length + Number(match[1] ?? 0));
    last = match.index + match[0].length;
  }
  pieces.push(Buffer.from(text.slice(last), 'utf8'));
  return { name, bytes: Buffer.concat(pieces), cuts };
}

export interface Chunking {
  label: string;
  chunks: Buffer[];
}

function cutAt(bytes: Buffer, offsets: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let start = 0;
  for (const offset of [...offsets].sort((a, b) => a - b)) {
    if (offset <= start || offset >= bytes.length) continue;
    chunks.push(bytes.subarray(start, offset));
    start = offset;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

/** The ways a fixture is fed: whole, at its marks, one byte at a time, 7 bytes at a time. */
export function chunkings(fixture: Fixture): Chunking[] {
  const every = (size: number) =>
    Array.from(
      { length: Math.ceil(fixture.bytes.length / size) },
      (_, i) => (i + 1) * size,
    );
  return [
    { label: 'whole', chunks: [fixture.bytes] },
    { label: 'at its marks', chunks: cutAt(fixture.bytes, fixture.cuts) },
    { label: 'one byte at a time', chunks: cutAt(fixture.bytes, every(1)) },
    { label: '7 bytes at a time', chunks: cutAt(fixture.bytes, every(7)) },
  ];
}

/** Every part a reader makes of these chunks, `end()` included. */
export function readParts(
  reader: StreamReader,
  chunks: Buffer[],
): StreamPart[] {
  const parser = new SseParser();
  const parts: StreamPart[] = [];
  for (const chunk of chunks) {
    for (const event of parser.push(chunk)) parts.push(...reader.push(event));
  }
  for (const event of parser.end()) parts.push(...reader.push(event));
  parts.push(...reader.end());
  return parts;
}

export interface Replay {
  parts: StreamPart[];
  /** What the writer returned for each part, then for `end()`. */
  pieces: string[];
  output: string;
}

/** Chunks → parser → reader → writer, part by part, as the proxy will run them. */
export function replay(
  reader: StreamReader,
  writer: StreamWriter,
  chunks: Buffer[],
): Replay {
  const parts = readParts(reader, chunks);
  const pieces = parts.map((part) => writer.write(part));
  pieces.push(writer.end());
  return { parts, pieces, output: pieces.join('') };
}

/** Ids `<prefix>1`, `<prefix>2`, … (one counter for all prefixes) and a fixed clock. */
export function testIds(now = 1767225600): BridgeIds {
  let count = 0;
  return {
    next: (prefix) => `${prefix}${++count}`,
    now: () => now,
  };
}
