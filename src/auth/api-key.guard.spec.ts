import { createHash } from 'node:crypto';
import { settingsModule } from '../config/settings.module';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { Test } from '@nestjs/testing';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Public } from '../common/public.decorator';
import { parseSettings, Settings } from '../config/settings';
import { ProxyError } from '../errors/proxy-error';
import {
  bindRequestContext,
  requestContext,
  RequestContext,
} from '../request-context/request-context';
import { parseTarget } from '../request-context/request-target';
import { ApiKeyGuard } from './api-key.guard';
import { ClientKeyRegistry } from './client-key.registry';

const KEY_A = 'sk-proxy-alpha-0123456789';
const KEY_B = 'sk-proxy-beta-9876543210';

class TestController {
  proxy() {}

  @Public()
  healthz() {}
}

async function createGuard(apiKeys: string): Promise<ApiKeyGuard> {
  const settings: Settings = parseSettings({
    COPILOT_TOKEN: 'copilot-token',
    PROXY_API_KEYS: apiKeys,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [settingsModule(settings)],
    providers: [Reflector, ClientKeyRegistry, ApiKeyGuard],
  }).compile();
  return moduleRef.get(ApiKeyGuard);
}

function requestWith(headers: IncomingHttpHeaders): IncomingMessage {
  const req = { headers } as IncomingMessage;
  bindRequestContext(
    req,
    new RequestContext('req-1', 'GET', parseTarget('/models')),
  );
  return req;
}

function contextFor(
  req: IncomingMessage,
  handler: () => void = TestController.prototype.proxy,
): ExecutionContextHost {
  return new ExecutionContextHost([req, {}], TestController, handler);
}

/** The error the guard throws for this request, or a failure if it lets it in. */
function refusal(guard: ApiKeyGuard, req: IncomingMessage): ProxyError {
  try {
    guard.canActivate(contextFor(req));
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyError);
    return error as ProxyError;
  }
  throw new Error('the guard let the request in');
}

/** `PROXY_API_KEYS` keys are named by their digest's first 8 hex digits. */
const nameOf = (key: string) =>
  `key-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;

describe('ApiKeyGuard', () => {
  let guard: ApiKeyGuard;

  beforeEach(async () => {
    guard = await createGuard(`${KEY_A},${KEY_B}`);
  });

  it('accepts a key sent as "Authorization: Bearer" and records its name, never the key', () => {
    const req = requestWith({ authorization: `Bearer ${KEY_B}` });
    expect(guard.canActivate(contextFor(req))).toBe(true);
    const { keyName } = requestContext(req);
    expect(keyName).toBe(nameOf(KEY_B));
    expect(KEY_B).not.toContain(keyName!);
  });

  it('gives each key its own name', () => {
    const a = requestWith({ authorization: `Bearer ${KEY_A}` });
    const b = requestWith({ authorization: `Bearer ${KEY_B}` });
    guard.canActivate(contextFor(a));
    guard.canActivate(contextFor(b));
    expect(requestContext(a).keyName).toBe(nameOf(KEY_A));
    expect(requestContext(a).keyName).not.toBe(requestContext(b).keyName);
  });

  it('accepts the bearer scheme in any case', () => {
    const req = requestWith({ authorization: `bearer ${KEY_A}` });
    expect(guard.canActivate(contextFor(req))).toBe(true);
    expect(requestContext(req).keyName).toBe(nameOf(KEY_A));
  });

  it('accepts a key sent as x-api-key', () => {
    const req = requestWith({ 'x-api-key': KEY_A });
    expect(guard.canActivate(contextFor(req))).toBe(true);
    expect(requestContext(req).keyName).toBe(nameOf(KEY_A));
  });

  it('refuses a request without a key with 401 "Missing API key" and a challenge', () => {
    const req = requestWith({});
    const error = refusal(guard, req);
    expect(error.code).toBe('unauthorized');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/^Missing API key/);
    expect(error.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(requestContext(req).keyName).toBeUndefined();
  });

  it('treats a non-bearer Authorization header as no key', () => {
    const error = refusal(
      guard,
      requestWith({ authorization: `Basic ${KEY_A}` }),
    );
    expect(error.message).toMatch(/^Missing API key/);
  });

  it('refuses a wrong key with "Invalid API key"', () => {
    const req = requestWith({ authorization: 'Bearer sk-proxy-gamma-000' });
    const error = refusal(guard, req);
    expect(error.code).toBe('unauthorized');
    expect(error.message).toBe('Invalid API key');
    expect(error.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(requestContext(req).keyName).toBeUndefined();
  });

  it('refuses a prefix of a real key', () => {
    const prefix = KEY_A.slice(0, KEY_A.length - 1);
    const error = refusal(guard, requestWith({ 'x-api-key': prefix }));
    expect(error.message).toBe('Invalid API key');
  });

  it('refuses a real key with something appended', () => {
    const error = refusal(guard, requestWith({ 'x-api-key': `${KEY_A}x` }));
    expect(error.message).toBe('Invalid API key');
  });

  it('never puts the presented key in the error', () => {
    const presented = 'sk-proxy-leaked-secret-42';
    const error = refusal(
      guard,
      requestWith({ authorization: `Bearer ${presented}` }),
    );
    expect(error.message).not.toContain(presented);
    expect(error.detail ?? '').not.toContain(presented);
    expect(JSON.stringify(error.headers)).not.toContain(presented);
  });

  it('never refuses a valid key: wrong keys sharing its prefix, and its address, are limited alone', async () => {
    const aaaa = 'copilot-proxy-aaaa0123456789';
    const bbbb = 'copilot-proxy-bbbb0123456789';
    const limited = await createGuard(`${aaaa},${bbbb}`);
    const from = (ip: string, key: string) =>
      Object.assign(requestWith({ authorization: `Bearer ${key}` }), { ip });
    const codes = Array.from(
      { length: 22 },
      (_, i) =>
        refusal(limited, from('10.0.0.1', `copilot-proxy-guess${i}`)).code,
    );
    expect(codes.slice(0, 20)).toEqual(Array(20).fill('unauthorized'));
    expect(codes.slice(20)).toEqual(Array(2).fill('rate_limit_exceeded'));
    // The prefix and the guessing address are blocked for wrong keys...
    expect(
      refusal(limited, from('10.0.0.2', 'copilot-proxy-guessX')).code,
    ).toBe('rate_limit_exceeded');
    // ...never for valid ones, from other addresses or from that one.
    for (const ip of ['10.0.0.2', '10.0.0.3', '10.0.0.1'])
      for (const key of [aaaa, bbbb])
        expect(limited.canActivate(contextFor(from(ip, key)))).toBe(true);
  });

  it('lets a @Public() handler through without a key', () => {
    const req = requestWith({});
    expect(
      guard.canActivate(contextFor(req, TestController.prototype.healthz)),
    ).toBe(true);
  });

  it('refuses everyone while a keys file holds no key (keys stay on)', async () => {
    // The guard is only registered when keys are on (AppModule); an empty keys
    // file must not open the proxy.
    const closed = await createGuard('');
    expect(
      refusal(closed, requestWith({ authorization: 'Bearer x' })).code,
    ).toBe('unauthorized');
  });

  it('reloads the keys file: new keys in force, a bad file keeps the old ones', async () => {
    const settings = parseSettings(
      { COPILOT_TOKEN: 't', PROXY_KEYS_FILE: '/keys.yaml' },
      { readFile: () => 'keys:\n  - name: alice\n    key: sk-alice-1\n' },
    );
    const registry = new ClientKeyRegistry({
      get: () => settings.auth,
    } as never);
    expect(registry.match('sk-alice-1')?.name).toBe('alice');
    expect(
      registry.reload(
        () =>
          'keys:\n  - name: bob\n    digest: sha256:' + 'ab'.repeat(32) + '\n',
      ),
    ).toBe(true);
    expect(registry.match('sk-alice-1')).toBeUndefined();
    expect(registry.named('bob')).toBeDefined();
    expect(registry.reload(() => 'keys:\n  - name: "bad name!"\n')).toBe(false);
    expect(registry.named('bob')).toBeDefined();
  });
});
