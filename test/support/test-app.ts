import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_OPTIONS, configureApp } from '../../src/app.factory';
import { AppModule } from '../../src/app.module';
import { parseSettings, Settings } from '../../src/config/settings';
import { ModelCatalog } from '../../src/models/model-catalog.service';
import { FakeCopilotApi, FakeOptions } from './fake-copilot-api';
import { REDIS, RedisConnection } from '../../src/redis/redis-connection';
import { waitFor } from './http-client';
import { RedisServer } from './redis-server';

export interface TestApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** A fresh, empty config directory, so no saved login token is picked up. */
export function emptyConfigHome(): string {
  return mkdtempSync(join(tmpdir(), 'copilot-proxy-test-'));
}

/**
 * Settings as the app would read them from `env` alone: no process environment,
 * no saved login token. Logging is silent unless `env` says otherwise.
 */
export function testSettings(env: Record<string, string>): Settings {
  return parseSettings({ LOG_LEVEL: 'silent', ...env });
}

/**
 * Builds the real application with `Test.createTestingModule` from `env`'s
 * settings, listening on a free loopback port. `override` may swap providers
 * (`overrideProvider`) before it compiles.
 */
export async function startApp(
  env: Record<string, string>,
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder,
): Promise<TestApp> {
  const settings = testSettings(env);
  let builder = Test.createTestingModule({
    imports: [AppModule.forRoot(settings)],
  });
  if (override) builder = override(builder);
  const moduleRef = await builder.compile();
  const app = configureApp(
    moduleRef.createNestApplication<NestExpressApplication>(APP_OPTIONS),
    settings,
  );
  await app.listen(0, '127.0.0.1');
  // The start-up /models fetch is over before a test looks at what the fake saw.
  await app.get(ModelCatalog).ready();
  const { port } = app.getHttpServer().address() as AddressInfo;
  let closing: Promise<void> | undefined;
  // Idempotent: a test may close the app itself (shutdown tests) before afterAll.
  const close = () => (closing ??= app.close());
  return { app, url: `http://127.0.0.1:${port}`, close };
}

export interface ProxyFixture {
  fake: FakeCopilotApi;
  proxy: TestApp;
}

/**
 * The usual e2e setup: a fake Copilot/GitHub API and the app in front of it, made
 * in `beforeAll` and closed in `afterAll` of the calling `describe`. `env` gets the
 * started fake, to point the app at it.
 */
export function useFakeAndProxy(
  env: (fake: FakeCopilotApi) => Record<string, string>,
  fakeOptions?: FakeOptions,
): ProxyFixture {
  const fixture = {} as ProxyFixture;
  beforeAll(async () => {
    fixture.fake = await new FakeCopilotApi(fakeOptions).start();
    fixture.proxy = await startApp(env(fixture.fake));
  });
  afterAll(async () => {
    await fixture.proxy?.close();
    await fixture.fake?.stop();
  });
  return fixture;
}

/** The GitHub OAuth token the dynamic-mode fixture's fake exchanges. */
export const FIXTURE_GITHUB_TOKEN = 'gho_testGithubOauthToken';

/**
 * `useFakeAndProxy` in dynamic mode: the app exchanges `FIXTURE_GITHUB_TOKEN` at
 * the fake, which also serves the Copilot API; `waitForToken` (default) holds the
 * tests until the first token is in.
 */
export function useDynamicFakeAndProxy(
  env: Record<string, string> = {},
  fakeOptions: FakeOptions = {},
  { waitForToken = true } = {},
): ProxyFixture {
  const fixture = useFakeAndProxy(
    (fake) => ({
      GITHUB_TOKEN: FIXTURE_GITHUB_TOKEN,
      GITHUB_API_BASE_URL: fake.url,
      COPILOT_API_BASE_URL: fake.url,
      ...env,
    }),
    { githubTokens: [FIXTURE_GITHUB_TOKEN], ...fakeOptions },
  );
  if (waitForToken) {
    beforeAll(() => waitFor(() => fixture.fake.tokenExchanges >= 1));
  }
  return fixture;
}

/** The Copilot token the static-mode fixture's fake accepts. */
export const FIXTURE_COPILOT_TOKEN = 'test-copilot-token';

/** `useFakeAndProxy` in static mode: `COPILOT_TOKEN` against the fake, plus `env`. */
export function useStaticFakeAndProxy(
  env: Record<string, string> = {},
  fakeOptions?: FakeOptions,
): ProxyFixture {
  return useFakeAndProxy(
    (fake) => ({
      COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      ...env,
    }),
    fakeOptions,
  );
}

export interface RedisPair {
  fake: FakeCopilotApi;
  redis: RedisServer;
  /** Two instances of the app: what replicas share goes through `redis`. */
  a: TestApp;
  b: TestApp;
}

/**
 * Two app instances in static mode against one fake and one throwaway
 * `redis-server` (`REDIS_URL`), held until both are connected to it.
 */
export function useRedisPair(env: Record<string, string> = {}): RedisPair {
  const pair = {} as RedisPair;
  beforeAll(async () => {
    pair.redis = await RedisServer.start();
    pair.fake = await new FakeCopilotApi().start();
    const settings = {
      COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
      COPILOT_API_BASE_URL: pair.fake.url,
      REDIS_URL: pair.redis.url,
      ...env,
    };
    pair.a = await startApp(settings);
    pair.b = await startApp(settings);
    await waitFor(() => redisConnected(pair.a) && redisConnected(pair.b));
  });
  afterAll(async () => {
    await pair.a?.close();
    await pair.b?.close();
    await pair.redis?.stop();
    await pair.fake?.stop();
  });
  return pair;
}

/** The app's shared Redis connection is up. */
export function redisConnected(app: TestApp): boolean {
  return app.app.get<RedisConnection | null>(REDIS)?.available === true;
}
