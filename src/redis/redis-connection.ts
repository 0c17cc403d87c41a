import { Logger } from '@nestjs/common';
import Redis from 'ioredis';

/** After a command times out, every store skips Redis for this long. */
export const BREAKER_OPEN_MS = 2_000;
/** The last command refused, this recently, makes readiness say Redis is failing. */
const FAILING_FOR_MS = 10_000;

/** Injection token of the shared connection: `null` without `REDIS_URL`. */
export const REDIS = Symbol('REDIS');

/** What a store gets when Redis is away: it fails over at once, no waiting. */
export class RedisUnavailable extends Error {
  constructor(reason: string) {
    super(`Redis unavailable: ${reason}`);
    this.name = 'RedisUnavailable';
  }
}

/**
 * The one Redis connection that the shared stores use (rate limits, usage, the
 * response cache). Commands fail at once while disconnected (no offline queue)
 * and time out after 500 ms; a timeout — Redis frozen with its socket still
 * open — opens a breaker for {@link BREAKER_OPEN_MS}, during which every store
 * fails over without sending, so one frozen Redis costs a request at most one
 * timeout rather than one per stage.
 */
export class RedisConnection {
  private readonly logger = new Logger('Redis');
  readonly client: Redis;
  private openUntil = 0;
  private lastFailureAt = -Infinity;
  private lastWarning = 0;
  private readonly readyListeners: Array<() => void> = [];
  private everReady = false;

  constructor(
    url: string,
    private readonly now: () => number = Date.now,
  ) {
    this.client = createRedisClient(url);
    this.client.on('error', (error: Error) =>
      this.warn(`Redis unavailable (${error.message})`),
    );
    this.client.on('ready', () => {
      this.openUntil = 0;
      this.logger.log(
        this.everReady
          ? 'Redis connected again'
          : 'Redis connected: limits, usage and the response cache are shared',
      );
      this.everReady = true;
      for (const listener of this.readyListeners) listener();
    });
  }

  /** Connected, and no recent timeout: a command may be sent. */
  get available(): boolean {
    return this.client.status === 'ready' && this.now() >= this.openUntil;
  }

  /** Why Redis is not available, in words for logs and readiness. */
  get state(): 'connected' | 'timing out' | 'failing' | 'disconnected' {
    if (this.client.status !== 'ready') return 'disconnected';
    if (this.now() < this.openUntil) return 'timing out';
    // Answering, but the last command was refused (out of memory, read-only, …).
    return this.now() - this.lastFailureAt < FAILING_FOR_MS
      ? 'failing'
      : 'connected';
  }

  /** Bytes queued on the socket and not yet written (a frozen Redis grows it). */
  get queuedBytes(): number {
    const stream = (
      this.client as unknown as { stream?: { writableLength?: number } }
    ).stream;
    return stream?.writableLength ?? 0;
  }

  /** Runs `command` unless the breaker is open; a timeout opens it. */
  async run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    if (!this.available) throw new RedisUnavailable(this.state);
    try {
      const result = await command(this.client);
      this.lastFailureAt = -Infinity;
      return result;
    } catch (error) {
      this.lastFailureAt = this.now();
      if (/timed? ?out/i.test((error as Error).message)) {
        this.openUntil = this.now() + BREAKER_OPEN_MS;
        this.warn(
          `Redis did not answer within 500 ms: skipped for ${BREAKER_OPEN_MS} ms`,
        );
      }
      throw error;
    }
  }

  /** Called each time the connection becomes ready (after an outage too). */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  close(): void {
    this.client.disconnect();
  }

  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarning < 10_000) return;
    this.lastWarning = now;
    this.logger.warn(message);
  }
}

/**
 * Commands fail at once while disconnected (no offline queue) and time out after
 * 500 ms, so a Redis outage costs a request nothing but the feature; the client
 * reconnects by itself.
 */
function createRedisClient(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}
