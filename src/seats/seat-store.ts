import { Logger } from '@nestjs/common';
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { RedisConnection } from '../redis/redis-connection';

/**
 * Where linked seats are kept, by key name: sealed records (`SeatCipher`), never
 * a token in clear. Redis when configured (every replica reads the same), a
 * 0600 file otherwise.
 */
export abstract class SeatStore {
  abstract get(keyName: string): Promise<string | undefined>;
  abstract put(keyName: string, sealed: string): Promise<void>;
  abstract delete(keyName: string): Promise<void>;
}

const KEY_PREFIX = 'copilot-proxy:seat:';

/** Seats in Redis, one string per key name; commands fail over at once when it is away. */
export class RedisSeatStore extends SeatStore {
  constructor(private readonly redis: RedisConnection) {
    super();
  }

  async get(keyName: string): Promise<string | undefined> {
    const value = await this.redis.run((r) => r.get(KEY_PREFIX + keyName));
    return value ?? undefined;
  }

  async put(keyName: string, sealed: string): Promise<void> {
    await this.redis.run((r) => r.set(KEY_PREFIX + keyName, sealed));
  }

  async delete(keyName: string): Promise<void> {
    await this.redis.run((r) => r.del(KEY_PREFIX + keyName));
  }
}

/**
 * Seats in one JSON file, readable by its owner only (directory 0700, file
 * 0600), read once at start and rewritten whole (write and rename) on each change.
 */
export class FileSeatStore extends SeatStore {
  private readonly logger = new Logger('Seats');
  private readonly seats = new Map<string, string>();

  constructor(private readonly path: string) {
    super();
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return;
    }
    try {
      const doc = JSON.parse(text) as { seats?: Record<string, unknown> };
      for (const [name, sealed] of Object.entries(doc.seats ?? {}))
        if (typeof sealed === 'string') this.seats.set(name, sealed);
    } catch {
      this.logger.warn(
        `${path} is not valid JSON: no seat is linked until it is fixed or removed`,
      );
    }
  }

  get(keyName: string): Promise<string | undefined> {
    return Promise.resolve(this.seats.get(keyName));
  }

  put(keyName: string, sealed: string): Promise<void> {
    this.seats.set(keyName, sealed);
    this.write();
    return Promise.resolve();
  }

  delete(keyName: string): Promise<void> {
    if (this.seats.delete(keyName)) this.write();
    return Promise.resolve();
  }

  private write(): void {
    const dir = dirname(this.path);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    const text = JSON.stringify({ seats: Object.fromEntries(this.seats) });
    writeFileSync(temporary, `${text}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.path);
  }
}
