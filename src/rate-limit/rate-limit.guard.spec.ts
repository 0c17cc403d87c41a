import { settingsModule } from '../config/settings.module';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { Test, TestingModule } from '@nestjs/testing';
import { ThrottlerModule } from '@nestjs/throttler';
import type { IncomingMessage } from 'node:http';
import { Public } from '../common/public.decorator';
import { ProxyError } from '../errors/proxy-error';
import {
  bindRequestContext,
  RequestContext,
} from '../request-context/request-context';
import { parseTarget } from '../request-context/request-target';
import { ClientKeyRegistry } from '../auth/client-key.registry';
import { parseSettings } from '../config/settings';
import { RateLimitGuard } from './rate-limit.guard';

/** RATE_LIMIT_MAX 2, and a key "fast" allowed 4 per minute of its own. */
const SETTINGS = parseSettings(
  {
    COPILOT_TOKEN: 't',
    RATE_LIMIT_MAX: '2',
    PROXY_KEYS_FILE: '/keys.yaml',
  },
  {
    readFile: () =>
      'keys:\n  - name: fast\n    key: k-fast\n    rateLimit: { requests: 4, windowSeconds: 60 }\n',
  },
);

const LIMIT = 2;
const TTL_MS = 60_000;

class TestController {
  proxy() {}

  @Public()
  metrics() {}
}

/** What ThrottlerGuard calls on an Express response: `header(name, value)`. */
class FakeResponse {
  readonly headers: Record<string, unknown> = {};
  readonly header = jest.fn((name: string, value: unknown) => {
    this.headers[name.toLowerCase()] = value;
  });
}

function requestFrom(
  ip: string | undefined,
  keyName?: string,
): IncomingMessage {
  const req = { headers: {}, ip } as unknown as IncomingMessage;
  const context = new RequestContext('req', 'POST', parseTarget('/v1/chat'));
  context.keyName = keyName;
  bindRequestContext(req, context);
  return req;
}

const contextFor = (
  req: IncomingMessage,
  res: FakeResponse = new FakeResponse(),
  handler: () => void = TestController.prototype.proxy,
) => new ExecutionContextHost([req, res], TestController, handler);

/** The guard's verdict, or the ProxyError it threw. */
async function attempt(
  guard: RateLimitGuard,
  req: IncomingMessage,
  res?: FakeResponse,
): Promise<boolean | ProxyError> {
  try {
    return await guard.canActivate(contextFor(req, res));
  } catch (error) {
    if (error instanceof ProxyError) return error;
    throw error;
  }
}

describe('RateLimitGuard', () => {
  let moduleRef: TestingModule;
  let guard: RateLimitGuard;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', limit: LIMIT, ttl: TTL_MS }],
        }),
        settingsModule(SETTINGS),
      ],
      providers: [ClientKeyRegistry, RateLimitGuard],
    }).compile();
    await moduleRef.init();
    guard = moduleRef.get(RateLimitGuard);
  });

  afterEach(async () => {
    await moduleRef.close();
  });

  it('tracks by key name when the key guard named one', async () => {
    const tracker = (
      guard as unknown as { getTracker(req: object): Promise<string> }
    ).getTracker(requestFrom('10.0.0.1', 'alice'));
    await expect(tracker).resolves.toBe('key:alice');
  });

  it("applies a key's own rateLimit from the keys file instead of the default", async () => {
    const outcomes = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(await attempt(guard, requestFrom('10.0.0.9', 'fast')));
    }
    expect(outcomes.slice(0, 4)).toEqual([true, true, true, true]);
    expect(outcomes[4]).toBeInstanceOf(ProxyError);
  });

  it('tracks by client IP for anonymous requests', async () => {
    const getTracker = (req: object) =>
      (
        guard as unknown as { getTracker(req: object): Promise<string> }
      ).getTracker(req);
    await expect(getTracker(requestFrom('10.0.0.1'))).resolves.toBe(
      'ip:10.0.0.1',
    );
    await expect(getTracker(requestFrom(undefined))).resolves.toBe(
      'ip:unknown',
    );
  });

  it('lets a key make LIMIT requests, then refuses with 429 and the wait in seconds', async () => {
    const req = requestFrom('10.0.0.1', 'key-a');
    expect(await attempt(guard, req)).toBe(true);
    expect(await attempt(guard, req)).toBe(true);

    const res = new FakeResponse();
    const refused = await attempt(guard, req, res);
    expect(refused).toBeInstanceOf(ProxyError);
    const error = refused as ProxyError;
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.status).toBe(429);
    expect(error.message).toMatch(/retry in \d+ s/);
    const seconds = Number(/retry in (\d+) s/.exec(error.message)![1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(TTL_MS / 1000);
    expect(res.headers['retry-after']).toBe(seconds);
  });

  it('gives two keys separate budgets, even from one IP', async () => {
    const a = requestFrom('10.0.0.1', 'key-a');
    const b = requestFrom('10.0.0.1', 'key-b');
    expect(await attempt(guard, a)).toBe(true);
    expect(await attempt(guard, a)).toBe(true);
    expect(await attempt(guard, b)).toBe(true);
    expect(await attempt(guard, b)).toBe(true);
    expect(await attempt(guard, a)).toBeInstanceOf(ProxyError);
    expect(await attempt(guard, b)).toBeInstanceOf(ProxyError);
  });

  it('gives anonymous clients a budget per IP', async () => {
    const first = requestFrom('10.0.0.1');
    const second = requestFrom('10.0.0.2');
    expect(await attempt(guard, first)).toBe(true);
    expect(await attempt(guard, first)).toBe(true);
    expect(await attempt(guard, first)).toBeInstanceOf(ProxyError);
    expect(await attempt(guard, second)).toBe(true);
  });

  it('sets the X-RateLimit-* headers on the response', async () => {
    const req = requestFrom('10.0.0.1', 'key-a');
    const first = new FakeResponse();
    await attempt(guard, req, first);
    expect(first.headers['x-ratelimit-limit']).toBe(LIMIT);
    expect(first.headers['x-ratelimit-remaining']).toBe(LIMIT - 1);
    expect(first.headers['x-ratelimit-reset']).toBeGreaterThan(0);
    expect(first.headers['x-ratelimit-reset']).toBeLessThanOrEqual(
      TTL_MS / 1000,
    );

    const second = new FakeResponse();
    await attempt(guard, req, second);
    expect(second.headers['x-ratelimit-remaining']).toBe(0);
  });

  it('skips public handlers: no count, no headers', async () => {
    const req = requestFrom('10.0.0.1');
    for (let i = 0; i < LIMIT * 3; i++) {
      const res = new FakeResponse();
      await expect(
        guard.canActivate(
          contextFor(req, res, TestController.prototype.metrics),
        ),
      ).resolves.toBe(true);
      expect(res.header).not.toHaveBeenCalled();
    }
    // The public calls spent none of the client's budget.
    expect(await attempt(guard, req)).toBe(true);
    expect(await attempt(guard, req)).toBe(true);
  });
});
