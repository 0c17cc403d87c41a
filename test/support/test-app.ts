import type { INestApplication } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.factory';
import { FakeCopilotApi, FakeOptions } from './fake-copilot-api';

/** Every variable the app reads: cleared before each test app so none leaks in. */
const APP_VARIABLES = [
  'PROXY_PORT',
  'HOST',
  'COPILOT_TOKEN',
  'GITHUB_TOKEN',
  'COPILOT_API_BASE_URL',
  'GITHUB_API_BASE_URL',
  'GITHUB_BASE_URL',
  'UPSTREAM_TIMEOUT_MS',
  'UPSTREAM_IDLE_TIMEOUT_MS',
  'SHUTDOWN_TIMEOUT_MS',
  'PROXY_API_KEYS',
  'PROXY_ALLOW_ANONYMOUS',
  'RATE_LIMIT_MAX',
  'RATE_LIMIT_WINDOW_MS',
  'REDIS_URL',
  'LOG_LEVEL',
  'TRUST_PROXY',
  'XDG_CONFIG_HOME',
];

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
 * Builds the real application in this process with `env` as its whole environment
 * (beside PATH and the like), listening on a free loopback port.
 */
export async function startApp(env: Record<string, string>): Promise<TestApp> {
  const saved: Record<string, string | undefined> = {};
  for (const name of APP_VARIABLES) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
  Object.assign(
    process.env,
    { LOG_LEVEL: 'silent', XDG_CONFIG_HOME: emptyConfigHome() },
    env,
  );
  try {
    const app = await createApp();
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    let closing: Promise<void> | undefined;
    // Idempotent: a test may close the app itself (shutdown tests) before afterAll.
    const close = () => (closing ??= app.close());
    return { app, url: `http://127.0.0.1:${port}`, close };
  } finally {
    for (const name of APP_VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
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
