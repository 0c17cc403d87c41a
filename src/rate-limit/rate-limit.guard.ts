import { ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request } from 'express';
import { ClientKeyRegistry } from '../auth/client-key.registry';
import { isPublic } from '../common/public.decorator';
import type { Settings } from '../config/settings';
import { ProxyError } from '../errors/proxy-error';
import { requestContext } from '../request-context/request-context';

/**
 * Per client key (per client IP when anonymous), `RATE_LIMIT_MAX` per
 * `RATE_LIMIT_WINDOW_MS`, or the key's own `rateLimit` from the keys file. Runs
 * after the key guard, which names the key; `req.ip` honours `TRUST_PROXY` only
 * when it is configured.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly defaultOn: boolean;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly keys: ClientKeyRegistry,
    config: ConfigService<Settings, true>,
  ) {
    super(options, storage, reflector);
    this.defaultOn = config.get('rateLimit', { infer: true }).max > 0;
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(isPublic(this.reflector, context));
  }

  protected override handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const req = props.context.switchToHttp().getRequest<Request>();
    const name = requestContext(req).keyName;
    const own =
      name !== undefined ? this.keys.named(name)?.rateLimit : undefined;
    if (own) {
      const ttl = own.windowSeconds * 1000;
      return super.handleRequest({
        ...props,
        limit: own.requests,
        ttl,
        blockDuration: ttl,
      });
    }
    return this.defaultOn ? super.handleRequest(props) : Promise.resolve(true);
  }

  protected override getTracker(req: Record<string, any>): Promise<string> {
    const request = req as Request;
    const name = requestContext(request).keyName;
    return Promise.resolve(
      name !== undefined ? `key:${name}` : `ip:${request.ip ?? 'unknown'}`,
    );
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new ProxyError('rate_limit_exceeded', {
      message: `Rate limit exceeded: retry in ${detail.timeToBlockExpire} s`,
      // A refused request tells the client its window like an accepted one does.
      headers: {
        'X-RateLimit-Limit': String(detail.limit),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(detail.timeToExpire),
      },
    });
  }
}
