import type { ServerResponse } from 'node:http';
import type { FakeTimers } from './fake-http';

/** One odd answer a test wants, written as given. */
export interface ScriptedAnswer {
  /** 200 unless given. */
  status?: number;
  /** The answer's headers, exactly (no `content-type` is added). */
  headers?: Record<string, string>;
  /** The whole body, with a `content-length` unless `headers` name one. */
  body?: string | Buffer;
  /** The body in pieces, written one by one (chunked, no `content-length`). */
  chunks?: Array<string | Buffer>;
  /** Milliseconds between two chunks (0: each on the next turn of the timers). */
  chunkIntervalMs?: number;
  /** How many requests get this answer (1 unless given; `Infinity` for all). */
  times?: number;
}

interface Entry {
  prefix: string;
  answer: ScriptedAnswer;
  left: number;
}

/**
 * The scripted answers waiting for their requests, first scripted first served:
 * a request whose path starts with an entry's prefix gets that entry's answer
 * (and uses up one of its `times`).
 */
export class FakeScript {
  private readonly entries: Entry[] = [];

  constructor(private readonly timers: FakeTimers) {}

  add(prefix: string, answer: ScriptedAnswer): void {
    if (answer.body !== undefined && answer.chunks !== undefined)
      throw new Error('a scripted answer has a body or chunks, not both');
    this.entries.push({ prefix, answer, left: answer.times ?? 1 });
  }

  clear(): void {
    this.entries.length = 0;
  }

  /** How many scripted answers are still waiting (an `Infinity` entry counts as one). */
  get pending(): number {
    return this.entries.length;
  }

  /** The answer for `path`, used up by this call, or undefined when none is scripted. */
  take(path: string): ScriptedAnswer | undefined {
    const index = this.entries.findIndex((e) => path.startsWith(e.prefix));
    if (index === -1) return undefined;
    const entry = this.entries[index];
    if (--entry.left <= 0) this.entries.splice(index, 1);
    return entry.answer;
  }

  /** Writes `answer` on `res`. */
  write(res: ServerResponse, answer: ScriptedAnswer): void {
    const headers: Record<string, string | number> = { ...answer.headers };
    const named = (name: string) =>
      Object.keys(headers).some((h) => h.toLowerCase() === name);
    const status = answer.status ?? 200;
    if (answer.chunks === undefined) {
      const body = answer.body ?? '';
      if (!named('content-length'))
        headers['content-length'] = Buffer.byteLength(body);
      res.writeHead(status, headers);
      res.end(body);
      return;
    }
    res.writeHead(status, headers);
    const chunks = answer.chunks;
    let next = 0;
    const write = (): void => {
      if (res.destroyed) return;
      res.write(chunks[next++]);
      if (next === chunks.length) res.end();
      else this.timers.later(answer.chunkIntervalMs ?? 0, write);
    };
    if (chunks.length === 0) res.end();
    else write();
  }
}
