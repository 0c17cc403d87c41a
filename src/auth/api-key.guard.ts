import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { IncomingMessage } from 'node:http';
import { isPublic } from '../common/public.decorator';
import type { Settings } from '../config/settings';
import { ProxyError } from '../errors/proxy-error';
import { requestContext } from '../request-context/request-context';
import { ClientKeyRegistry } from './client-key.registry';
import { ClientKey, sha256 } from './client-keys';
import { FailedKeyLimiter } from './failed-key-limiter';

const CHALLENGE = { 'www-authenticate': 'Bearer realm="copilot-proxy"' };

/** Refused attempts per address and minute when no rate limit is configured. */
const DEFAULT_FAILED_ATTEMPTS = 20;

/**
 * With client keys configured, every proxied request must carry one, as
 * `Authorization: Bearer <key>` (OpenAI SDKs) or `x-api-key: <key>` (Anthropic
 * SDKs); `ClientKeyRegistry` matches it in constant time. The matched key's name
 * (never the key) goes into the request context. Wrong keys count per client
 * address and per key prefix (`RATE_LIMIT_MAX` per window, else 20 a minute);
 * past that, wrong keys from the address (or with the prefix) get 429 until its
 * window ends — a valid key is always let in (the keys are long and random:
 * the limiter slows a guessing client, it is no lock on the key space). A
 * request with no key at all gets 401 and is not counted.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly failures: FailedKeyLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ClientKeyRegistry,
    config: ConfigService<Settings, true>,
  ) {
    const limits = config.get('rateLimit', { infer: true });
    this.failures =
      limits.max > 0
        ? new FailedKeyLimiter(limits.max, limits.windowMs)
        : new FailedKeyLimiter(DEFAULT_FAILED_ATTEMPTS, 60_000);
  }

  canActivate(context: ExecutionContext): boolean {
    if (isPublic(this.reflector, context)) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const presented = presentedKey(req);
    if (presented === undefined) {
      // No credential is no guess: refused, but never counted (Claude Code's
      // keyless `HEAD /` at every start must not lock its address out).
      throw new ProxyError('unauthorized', {
        message:
          'Missing API key: send it as "Authorization: Bearer <key>" or "x-api-key: <key>"',
        headers: CHALLENGE,
      });
    }
    requestContext(req).keyName = this.keyOf(req, presented).name;
    return true;
  }

  /**
   * The key `presented` is, or a `ProxyError`: 401 for a wrong key, counted,
   * and 429 past the wrong-key limit. A valid key is never refused by the
   * wrong-key limiter: one address behind a NAT, or guesses sharing its first
   * characters, must not lock it out.
   */
  keyOf(req: Request, presented: string): ClientKey {
    const match = this.keys.match(presented);
    if (match !== undefined) return match;
    // Counted by address and by the key's first characters, so rotating a
    // forgeable X-Forwarded-For does not reset the count of one key's guesses.
    const trackers = [
      `ip:${req.ip ?? 'unknown'}`,
      `key:${keyPrefix(presented)}`,
    ];
    const blockedFor = Math.max(
      ...trackers.map((tracker) => this.failures.blockedFor(tracker)),
    );
    if (blockedFor > 0) {
      throw new ProxyError('rate_limit_exceeded', {
        message: `Too many requests with a wrong API key: retry in ${blockedFor} s`,
        headers: { 'retry-after': String(blockedFor) },
      });
    }
    for (const tracker of trackers) this.failures.recordFailure(tracker);
    throw new ProxyError('unauthorized', { headers: CHALLENGE });
  }
}

/** The digest of a presented key's first 12 characters (never the characters). */
function keyPrefix(key: string): string {
  return sha256(key.slice(0, 12)).toString('hex').slice(0, 16);
}

/** The key a request presents (`Authorization: Bearer` or `x-api-key`), if any. */
export function presentedKey(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth !== undefined && /^bearer /i.test(auth)) return auth.slice(7).trim();
  const apiKey = req.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey.trim() : undefined;
}
