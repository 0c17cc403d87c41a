import type { CachedAnswer } from '../http/cached-answer';

/** Where kept answers live: memory (bounded in bytes) or Redis (shared). */
export abstract class CacheStore {
  abstract get(key: string): Promise<CachedAnswer | undefined>;
  /** Stores an entry; false when it was not stored (too large, store backed up). */
  abstract set(
    key: string,
    answer: CachedAnswer,
    ttlMs: number,
  ): Promise<boolean>;
  async close(): Promise<void> {}
}

/** What an entry costs in memory: its body, headers and some bookkeeping. */
export const sizeOf = (answer: CachedAnswer) =>
  answer.body.length +
  answer.rawHeaders.reduce((n, h) => n + h.length, 0) +
  256;

/**
 * In memory, least recently used out first once the entries' bytes pass
 * `maxBytes`. A `Map` keeps insertion order; a hit moves its entry to the end.
 */
export class MemoryCacheStore extends CacheStore {
  private readonly entries = new Map<
    string,
    { answer: CachedAnswer; expiresAt: number; size: number }
  >();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  get heldBytes(): number {
    return this.bytes;
  }

  get(key: string): Promise<CachedAnswer | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return Promise.resolve(undefined);
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) {
      this.bytes -= entry.size;
      return Promise.resolve(undefined);
    }
    this.entries.set(key, entry);
    return Promise.resolve(entry.answer);
  }

  set(key: string, answer: CachedAnswer, ttlMs: number): Promise<boolean> {
    const size = sizeOf(answer);
    if (size > this.maxBytes) return Promise.resolve(false);
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.size;
    }
    this.entries.set(key, { answer, expiresAt: this.now() + ttlMs, size });
    this.bytes += size;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.size;
    }
    return Promise.resolve(true);
  }
}
