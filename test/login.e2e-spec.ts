import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceFlow } from '../src/login/device-flow';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { rawRequest } from './support/http-client';
import { spawnApp } from './support/spawn-app';
import { emptyConfigHome } from './support/test-app';

const LOGIN_CLI = join(__dirname, '..', 'dist', 'login', 'login.cli.js');
const MAIN = join(__dirname, '..', 'dist', 'main.js');

function run(command: string, args: string[], env: Record<string, string>) {
  const proc = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise<{ code: number | null; out: string }>((resolve) =>
    proc.on('exit', (code) => resolve({ code, out })),
  );
}

describe('GitHub device-flow login', () => {
  it('polls at the given interval and slows down by 5 s when asked', async () => {
    const fake = await new FakeCopilotApi({
      devicePendingPolls: 1,
      deviceSlowDown: true,
      deviceInterval: 2,
    }).start();
    try {
      const sleeps: number[] = [];
      const flow = new DeviceFlow(fake.url, async (ms) => {
        sleeps.push(ms);
      });
      const code = await flow.requestCode();
      expect(code).toMatchObject({
        userCode: 'ABCD-1234',
        verificationUri: 'https://github.com/login/device',
        intervalSeconds: 2,
      });
      const token = await flow.waitForToken(code);
      expect(token).toBe('gho_fakeDeviceFlowToken');
      // slow_down, then authorization_pending, then the token.
      expect(sleeps).toEqual([2000, 7000, 7000]);
      const device = fake.requests.find((r) => r.url === '/login/device/code')!;
      expect(JSON.parse(device.body.toString())).toEqual({
        client_id: 'Iv1.b507a08c87ecfe98',
        scope: 'read:user',
      });
      const poll = fake.requests.find(
        (r) => r.url === '/login/oauth/access_token',
      )!;
      expect(poll.headers.accept).toBe('application/json');
      expect(JSON.parse(poll.body.toString())).toEqual({
        client_id: 'Iv1.b507a08c87ecfe98',
        device_code: 'fake-device-code',
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      });
    } finally {
      await fake.stop();
    }
  });

  it('`npm run login` prints the code, saves the token 0600, and the next start uses it', async () => {
    const fake = await new FakeCopilotApi({
      devicePendingPolls: 1,
      deviceInterval: 1,
    }).start();
    const configHome = emptyConfigHome();
    try {
      const login = await run(process.execPath, [LOGIN_CLI], {
        GITHUB_BASE_URL: fake.url,
        XDG_CONFIG_HOME: configHome,
      });
      expect(login.code).toBe(0);
      expect(login.out).toContain('https://github.com/login/device');
      expect(login.out).toContain('ABCD-1234');
      expect(login.out).not.toContain('gho_fakeDeviceFlowToken');
      const dir = join(configHome, 'copilot-proxy');
      const file = join(dir, 'github-token');
      expect(readFileSync(file, 'utf8').trim()).toBe('gho_fakeDeviceFlowToken');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(dir).mode & 0o777).toBe(0o700);

      const app = await spawnApp({
        XDG_CONFIG_HOME: configHome,
        GITHUB_API_BASE_URL: fake.url,
        COPILOT_API_BASE_URL: fake.url,
      });
      try {
        expect((await rawRequest(app.url + '/models')).status).toBe(200);
        const exchange = fake.requests.find(
          (r) => r.url === '/copilot_internal/v2/token',
        )!;
        expect(exchange.headers.authorization).toBe(
          'token gho_fakeDeviceFlowToken',
        );
        expect(app.stdout() + app.stderr()).not.toContain(
          'gho_fakeDeviceFlowToken',
        );
      } finally {
        app.proc.kill('SIGKILL');
      }
    } finally {
      await fake.stop();
    }
  });

  it('a start without any token and without a terminal exits non-zero, naming the ways to log in', async () => {
    const result = await run(process.execPath, [MAIN], {
      XDG_CONFIG_HOME: emptyConfigHome(),
      PROXY_PORT: '0',
    });
    expect(result.code).not.toBe(0);
    expect(result.out).toContain('COPILOT_TOKEN');
    expect(result.out).toContain('GITHUB_TOKEN');
    expect(result.out).toContain('npm run login');
  });

  it('a start without any token on a terminal runs the login first', async () => {
    const fake = await new FakeCopilotApi({
      devicePendingPolls: 0,
      deviceInterval: 1,
    }).start();
    const configHome = emptyConfigHome();
    try {
      // `script` gives the process a pseudo-terminal, as a person's shell would.
      const proc = spawn(
        '/usr/bin/script',
        ['-qefc', `${process.execPath} ${MAIN}`, '/dev/null'],
        {
          env: {
            PATH: process.env.PATH ?? '',
            XDG_CONFIG_HOME: configHome,
            PROXY_PORT: '0',
            GITHUB_BASE_URL: fake.url,
            GITHUB_API_BASE_URL: fake.url,
            COPILOT_API_BASE_URL: fake.url,
          },
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let out = '';
      proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const listening = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(out)), 15000);
        proc.stdout.on('data', () => {
          const match = /listening on (http:\/\/[\d.:]+)/.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      expect(out).toContain('ABCD-1234');
      expect(
        readFileSync(
          join(configHome, 'copilot-proxy', 'github-token'),
          'utf8',
        ).trim(),
      ).toBe('gho_fakeDeviceFlowToken');
      expect((await rawRequest(listening + '/models')).status).toBe(200);
      proc.kill('SIGKILL');
    } finally {
      await fake.stop();
    }
  });
});
