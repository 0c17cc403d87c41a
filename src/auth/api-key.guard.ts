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
import { FailedKeyLimiter } from './failed-key-limiter';

const CHALLENGE = { 'www-authenticate': 'Bearer realm="copilot-proxy"' };

/** Refused attempts per address and minute when no rate limit is configured. */
const DEFAULT_FAILED_ATTEMPTS = 20;

/**
 * With client keys configured, every proxied request must carry one, as
 * `Authorization: Bearer <key>` (OpenAI SDKs) or `x-api-key: <key>` (Anthropic
 * SDKs); `ClientKeyRegistry` matches it in constant time. The matched key's name
 * (never the key) goes into the request context. Refused
 * attempts count per client address (`RATE_LIMIT_MAX` per window, else 20 a
 * minute); past that the address gets 429 until its window ends.
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
    const address = req.ip ?? 'unknown';
    const blockedFor = this.failures.blockedFor(address);
    if (blockedFor > 0) {
      throw new ProxyError('rate_limit_exceeded', {
        message: `Too many requests with a wrong API key: retry in ${blockedFor} s`,
        headers: { 'retry-after': String(blockedFor) },
      });
    }
    const presented = presentedKey(req);
    if (presented === undefined) {
      this.failures.recordFailure(address);
      throw new ProxyError('unauthorized', {
        message:
          'Missing API key: send it as "Authorization: Bearer <key>" or "x-api-key: <key>"',
        headers: CHALLENGE,
      });
    }
    const match = this.keys.match(presented);
    if (match === undefined) {
      this.failures.recordFailure(address);
      throw new ProxyError('unauthorized', { headers: CHALLENGE });
    }
    requestContext(req).keyName = match.name;
    return true;
  }
}

function presentedKey(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth !== undefined && /^bearer /i.test(auth)) return auth.slice(7).trim();
  const apiKey = req.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey.trim() : undefined;
}
