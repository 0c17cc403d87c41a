import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import { CopilotClient } from '../copilot/copilot-client';
import { ProxyError } from '../errors/proxy-error';
import { MetricsService } from '../metrics/metrics.service';
import { REDIS, RedisConnection } from '../redis/redis-connection';
import type { RequestContext } from '../request-context/request-context';

/** A limit Copilot put on the account, until it lifts. */
export interface Cooldown {
  /** The limit named in `x-ratelimit-exceeded`. */
  limit: string;
  /** Unix ms. */
  until: number;
}

/** How often each replica reads the shared cooldowns from Redis. */
const POLL_MS = 2_000;
const KEY_PREFIX = 'copilot-proxy:cooldown:';

/** `Retry-After` as seconds (a number) or an HTTP date, in ms from `now`. */
export function retryAfterMs(value: string, now: number): number | undefined {
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Honours Copilot's own 429 (SPEC §9, COPILOT-API.md): after a 429 that names a
 * global limit (`x-ratelimit-exceeded`, with a `Retry-After` that can be hours),
 * further model calls for that account are answered here with 429 and the time
 * left, instead of hammering an account whose unusual traffic gets it flagged. A
 * 429 without the header (too many concurrent vision requests) starts nothing.
 * With Redis, every replica learns of it within {@link POLL_MS}.
 */
@Injectable()
export class CopilotCooldown
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('Copilot');
  private readonly cooldowns = new Map<string, Cooldown>();
  /** Seats' accounts that made model calls here: polled like the proxy's (SPEC §14). */
  private readonly seatAccounts = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: CopilotClient,
    private readonly metrics: MetricsService,
    @Inject(REDIS) private readonly redis: RedisConnection | null,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.redis) return;
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Looks at an upstream answer: a 429 naming a limit starts a cooldown. */
  observe(
    account: string,
    status: number,
    rawHeaders: readonly string[],
  ): void {
    if (status !== 429) return;
    let limit: string | undefined;
    let retryAfter: string | undefined;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i].toLowerCase();
      if (name === 'x-ratelimit-exceeded') limit = rawHeaders[i + 1].trim();
      else if (name === 'retry-after') retryAfter = rawHeaders[i + 1];
    }
    if (!limit || retryAfter === undefined) return;
    const now = Date.now();
    const ms = retryAfterMs(retryAfter, now);
    if (!ms) return;
    const cooldown = {
      limit: /^[\w.-]{1,64}$/.test(limit) ? limit : 'unknown',
      until: now + ms,
    };
    this.cooldowns.set(account, cooldown);
    this.metrics.cooldowns.inc({ limit: cooldown.limit });
    this.logger.warn(
      `Copilot answered 429 (${cooldown.limit}): model calls for this account are answered here with 429 for ${Math.ceil(ms / 1000)} s`,
    );
    this.redis
      ?.run((redis) =>
        redis.set(this.key(account), JSON.stringify(cooldown), 'PX', ms),
      )
      .catch(() => undefined);
  }

  /** A model call while the account cools down is answered 429 here. */
  async check(context: RequestContext): Promise<void> {
    if (context.endpoint === undefined) return;
    if (context.seatTokens && this.redis && context.account)
      this.seatAccounts.add(context.account);
    if (this.cooldowns.size === 0) return;
    const account = await this.client
      .account(context.seatTokens)
      .catch(() => undefined);
    const cooldown = account && this.active(account);
    if (!cooldown) return;
    const seconds = Math.max(
      1,
      Math.ceil((cooldown.until - Date.now()) / 1000),
    );
    this.metrics.cooldownRejections.inc();
    throw new ProxyError('copilot_cooldown', {
      message: `Copilot limited this account (${cooldown.limit}): model calls are refused here until it lifts, in ${seconds} s`,
      headers: {
        'retry-after': String(seconds),
        'x-ratelimit-exceeded': cooldown.limit,
      },
    });
  }

  /** The account's cooldown, if one is running (for `/usage`). */
  async current(): Promise<(Cooldown & { retryAfterSeconds: number }) | null> {
    const account = await this.client.account().catch(() => undefined);
    return account ? this.forAccount(account) : null;
  }

  /** A given account's cooldown (a seat's), if one is running. */
  forAccount(
    account: string,
  ): (Cooldown & { retryAfterSeconds: number }) | null {
    const cooldown = this.active(account);
    if (!cooldown) return null;
    return {
      ...cooldown,
      retryAfterSeconds: Math.ceil((cooldown.until - Date.now()) / 1000),
    };
  }

  private active(account: string): Cooldown | undefined {
    const cooldown = this.cooldowns.get(account);
    if (cooldown && cooldown.until > Date.now()) return cooldown;
    this.cooldowns.delete(account);
    return undefined;
  }

  /** Cooldowns other replicas started (for the accounts this one uses). */
  private async poll(): Promise<void> {
    const shared = await this.client.account().catch(() => undefined);
    for (const account of shared
      ? [shared, ...this.seatAccounts]
      : this.seatAccounts)
      await this.pollAccount(account);
  }

  private async pollAccount(account: string): Promise<void> {
    if (!this.redis?.available) return;
    try {
      const value = await this.redis.run((redis) =>
        redis.get(this.key(account)),
      );
      if (!value) return;
      const cooldown = JSON.parse(value) as Cooldown;
      if (cooldown.until > (this.cooldowns.get(account)?.until ?? 0))
        this.cooldowns.set(account, cooldown);
    } catch {
      // Redis away: this replica keeps what it knows.
    }
  }

  private key(account: string): string {
    return (
      KEY_PREFIX +
      createHash('sha256').update(account).digest('hex').slice(0, 32)
    );
  }
}
