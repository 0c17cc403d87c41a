import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { IS_PUBLIC } from '../common/public.decorator';
import { authConfig, AuthConfig } from '../config/auth.config';

/** The request's client identity once a key matched: a digest prefix, never the key. */
export type KeyedRequest = IncomingMessage & { clientKeyId?: string };

const digest = (value: string): Buffer =>
  createHash('sha256').update(value).digest();

/**
 * With `PROXY_API_KEYS` set, every proxied request must carry one of the keys, as
 * `Authorization: Bearer <key>` (OpenAI SDKs) or `x-api-key: <key>` (Anthropic SDKs).
 * Keys are compared as SHA-256 digests with `timingSafeEqual`, every key every time,
 * so neither a key's content nor its length leaks through timing.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: Array<{ digest: Buffer; id: string }>;

  constructor(
    private readonly reflector: Reflector,
    @Inject(authConfig.KEY) config: AuthConfig,
  ) {
    this.keys = config.apiKeys.map((key) => {
      const hashed = digest(key);
      return { digest: hashed, id: hashed.subarray(0, 6).toString('hex') };
    });
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.keys.length === 0) return true;
    if (
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
        context.getHandler(),
        context.getClass(),
      ])
    )
      return true;
    const req = context.switchToHttp().getRequest<KeyedRequest>();
    const presented = presentedKey(req);
    if (presented !== undefined) {
      const offered = digest(presented);
      let match: string | undefined;
      for (const key of this.keys) {
        if (timingSafeEqual(offered, key.digest)) match = key.id;
      }
      if (match !== undefined) {
        req.clientKeyId = match;
        return true;
      }
    }
    const res = context.switchToHttp().getResponse<ServerResponse>();
    res.setHeader('WWW-Authenticate', 'Bearer realm="copilot-proxy"');
    throw new UnauthorizedException(
      presented === undefined
        ? 'Missing API key: send it as "Authorization: Bearer <key>" or "x-api-key: <key>"'
        : 'Invalid API key',
    );
  }
}

function presentedKey(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth !== undefined && /^bearer /i.test(auth)) return auth.slice(7).trim();
  const apiKey = req.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey.trim() : undefined;
}
