import { execFile } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { claudeCodeId } from '../src/claude-code/claude-code-env';
import { newestFirst } from '../src/client-helpers/model-version';
import { freePort } from './support/redis-server';
import { useStaticFakeAndProxy } from './support/test-app';

const ROOT = join(__dirname, '..');
const CLAUDE_CODE = join(ROOT, 'dist', 'claude-code', 'claude-code.cli.js');
const CODEX = join(ROOT, 'dist', 'codex', 'codex.cli.js');
const OPENCODE = join(ROOT, 'dist', 'opencode', 'opencode.cli.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command args` with `env` as its whole environment (plus PATH). */
function run(
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd = ROOT,
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...env },
        timeout: 20_000,
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number(error.code ?? 1) : 0,
          stdout,
          stderr,
        }),
    ).stdin?.end();
  });
}

const helper = (cli: string, env: Record<string, string>) =>
  run(process.execPath, [cli], env);

/**
 * What a bash that evals `lines` (with `env`, under `set -eu`) has in `names`;
 * exit code and stderr too, for lines that must fail.
 */
async function evalShell(
  lines: string,
  names: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; vars: Record<string, string>; stderr: string }> {
  const script = `set -eu; eval "$LINES"; printf '%s\\0' ${names
    .map((n) => `"$${n}"`)
    .join(' ')}`;
  const res = await run('bash', ['-c', script], { ...env, LINES: lines });
  const values = res.stdout.split('\0');
  return {
    code: res.code,
    stderr: res.stderr,
    vars: Object.fromEntries(names.map((n, i) => [n, values[i]])),
  };
}

const ANTHROPIC = [
  'ANTHROPIC_BASE_URL',
  'ANTHROPIC_AUTH_TOKEN',
  'ANTHROPIC_MODEL',
  'ANTHROPIC_DEFAULT_OPUS_MODEL',
  'ANTHROPIC_DEFAULT_SONNET_MODEL',
  'ANTHROPIC_DEFAULT_HAIKU_MODEL',
  'ANTHROPIC_SMALL_FAST_MODEL',
];

interface ListedModel {
  id: string;
  supported_endpoints?: string[];
}

/** The app's own `GET /v1/models`: what the helpers must choose from. */
async function listed(url: string, key?: string): Promise<ListedModel[]> {
  const res = await fetch(`${url}/v1/models`, {
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: ListedModel[] }).data;
}

/**
 * The newest listed Claude id of `family`, as Claude Code should get it: in its
 * own dashed spelling, which the proxy resolves back to the listed id.
 */
const newestClaude = (models: ListedModel[], family: string) => {
  const ids = models.map((m) => m.id);
  const newest = ids
    .filter((id) => id.includes('claude') && id.includes(family))
    .sort(newestFirst)[0];
  return claudeCodeId(newest, ids);
};

interface CodexToml {
  model: string;
  model_provider: string;
  model_providers: Record<string, Record<string, unknown>>;
}

describe('client helpers against a running proxy, keys off', () => {
  const ctx = useStaticFakeAndProxy();

  it('npm run claude-code prints shell that sets the newest Claude of each family', async () => {
    const models = await listed(ctx.proxy.url);
    const res = await helper(CLAUDE_CODE, { PROXY_URL: ctx.proxy.url });
    expect(res).toMatchObject({ code: 0, stderr: '' });
    for (const line of res.stdout.trimEnd().split('\n')) {
      expect(line).toMatch(/^(#|export ANTHROPIC_[A-Z_]+=)/);
    }
    const shell = await evalShell(res.stdout, ANTHROPIC);
    expect(shell.code).toBe(0);
    const sonnet = newestClaude(models, 'sonnet');
    const haiku = newestClaude(models, 'haiku');
    expect(shell.vars).toEqual({
      ANTHROPIC_BASE_URL: ctx.proxy.url,
      ANTHROPIC_AUTH_TOKEN: 'copilot-proxy',
      ANTHROPIC_MODEL: sonnet,
      ANTHROPIC_DEFAULT_OPUS_MODEL: newestClaude(models, 'opus'),
      ANTHROPIC_DEFAULT_SONNET_MODEL: sonnet,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: haiku,
      ANTHROPIC_SMALL_FAST_MODEL: haiku,
    });
    expect(shell.vars.ANTHROPIC_DEFAULT_OPUS_MODEL).toMatch(/^claude-opus/);
    expect(sonnet).toMatch(/^claude-sonnet/);
    expect(haiku).toMatch(/^claude-haiku/);
  });

  it('the Claude Code base URL and model answer an Anthropic request', async () => {
    const res = await helper(CLAUDE_CODE, { PROXY_URL: `${ctx.proxy.url}/` });
    const { vars } = await evalShell(res.stdout, ANTHROPIC);
    expect(vars.ANTHROPIC_BASE_URL).not.toMatch(/\/v1$/);
    const answer = await fetch(`${vars.ANTHROPIC_BASE_URL}/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        authorization: `Bearer ${vars.ANTHROPIC_AUTH_TOKEN}`,
      },
      body: JSON.stringify({
        model: vars.ANTHROPIC_MODEL,
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(answer.status).toBe(200);
    expect(ctx.fake.requests.at(-1)?.url).toBe('/v1/messages');
  });

  it('npm run codex prints TOML selecting a Responses provider and a listed model', async () => {
    const models = await listed(ctx.proxy.url);
    const res = await helper(CODEX, { PROXY_URL: ctx.proxy.url });
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const config = parse(res.stdout) as unknown as CodexToml;
    const provider = config.model_providers[config.model_provider];
    expect(provider).toEqual({
      name: 'copilot-proxy',
      base_url: `${ctx.proxy.url}/v1`,
      wire_api: 'responses',
    });
    const chosen = models.find((m) => m.id === config.model);
    expect(chosen).toBeDefined();
    expect(
      models.some((m) => m.supported_endpoints?.includes('/responses')),
    ).toBe(true);
    expect(chosen?.supported_endpoints).toContain('/responses');
    const answer = await fetch(`${String(provider.base_url)}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: config.model, input: 'hi' }),
    });
    expect(answer.status).toBe(200);
    expect(ctx.fake.requests.at(-1)?.url).toBe('/responses');
  });

  it('npm run opencode prints an opencode.json whose provider and model answer on Chat, its title call as the agent’s', async () => {
    const models = await listed(ctx.proxy.url);
    const res = await helper(OPENCODE, { PROXY_URL: ctx.proxy.url });
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const config = JSON.parse(res.stdout) as {
      model: string;
      provider: Record<
        string,
        {
          npm: string;
          options: Record<string, string>;
          models: Record<string, unknown>;
        }
      >;
    };
    const [providerId, modelId] = config.model.split('/');
    const provider = config.provider[providerId];
    expect(provider.npm).toBe('@ai-sdk/openai-compatible');
    expect(provider.options).toEqual({ baseURL: `${ctx.proxy.url}/v1` });
    const ids = models.map((m) => m.id);
    expect(Object.keys(provider.models).length).toBeGreaterThan(0);
    for (const id of Object.keys(provider.models)) expect(ids).toContain(id);
    expect(provider.models[modelId]).toBeDefined();
    // opencode's title call, as it sends it: a background call.
    const answer = await fetch(`${provider.options.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: modelId,
        max_tokens: 32000,
        messages: [
          {
            role: 'system',
            content:
              'You are a title generator. You output ONLY a thread title.',
          },
          {
            role: 'user',
            content: 'Generate a title for this conversation:\n',
          },
          { role: 'user', content: '"say hi"' },
        ],
      }),
    });
    expect(answer.status).toBe(200);
    const seen = ctx.fake.requests.at(-1)!;
    expect(seen.url).toBe('/chat/completions');
    expect(seen.headers['x-initiator']).toBe('agent');
  });

  it('finds the proxy on PROXY_PORT when PROXY_URL is not set', async () => {
    const port = new URL(ctx.proxy.url).port;
    const res = await helper(CODEX, { PROXY_PORT: port });
    expect(res.code).toBe(0);
    const config = parse(res.stdout) as unknown as CodexToml;
    expect(config.model_providers[config.model_provider].base_url).toBe(
      `http://127.0.0.1:${port}/v1`,
    );
  });

  it('`npm run -s` puts nothing but the helper output on stdout, and builds only when the sources changed', async () => {
    // A copy of the project's scripts and build check whose `nest` is loud on both
    // streams, so the real dist/ is not rebuilt under the other specs' feet.
    const dir = mkdtempSync(join(tmpdir(), 'copilot-proxy-npm-'));
    try {
      const { scripts } = JSON.parse(
        readFileSync(join(ROOT, 'package.json'), 'utf8'),
      ) as { scripts: Record<string, string> };
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({
          name: 'scripts-only',
          private: true,
          scripts: {
            'claude-code': scripts['claude-code'],
            codex: scripts.codex,
            opencode: scripts.opencode,
          },
        }),
      );
      mkdirSync(join(dir, 'scripts'));
      copyFileSync(
        join(ROOT, 'scripts', 'build-if-stale.js'),
        join(dir, 'scripts', 'build-if-stale.js'),
      );
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'src', 'main.ts'), 'export {};\n');
      mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
      const nest = join(dir, 'node_modules', '.bin', 'nest');
      writeFileSync(
        nest,
        '#!/bin/sh\necho "nest on stdout"\necho "nest on stderr" >&2\n',
      );
      chmodSync(nest, 0o755);
      // dist/ of its own (the build stamp goes there), its contents the real ones.
      mkdirSync(join(dir, 'dist'));
      for (const entry of readdirSync(join(ROOT, 'dist')))
        symlinkSync(join(ROOT, 'dist', entry), join(dir, 'dist', entry));
      const before = readdirSync(dir).sort();
      const env = { PROXY_URL: ctx.proxy.url };

      const claude = await run('npm', ['run', '-s', 'claude-code'], env, dir);
      expect(claude.code).toBe(0);
      expect(claude.stdout).toBe((await helper(CLAUDE_CODE, env)).stdout);
      expect(claude.stderr).toContain('nest on stdout');
      const shell = await run(
        'bash',
        [
          '-c',
          'set -eu; eval "$(npm run -s claude-code)"; printf %s "$ANTHROPIC_MODEL"',
        ],
        env,
        dir,
      );
      expect(shell.code).toBe(0);
      expect(shell.stdout).toMatch(/^claude-sonnet/);
      expect(readdirSync(dir).sort()).toEqual(before);

      // Nothing changed since: no build.
      const codex = await run('npm', ['run', '-s', 'codex'], env, dir);
      expect(codex.code).toBe(0);
      expect(codex.stdout).toBe((await helper(CODEX, env)).stdout);
      expect(() => parse(codex.stdout)).not.toThrow();
      expect(codex.stderr).not.toContain('nest on');
      const opencode = await run('npm', ['run', '-s', 'opencode'], env, dir);
      expect(opencode.code).toBe(0);
      expect(opencode.stdout).toBe((await helper(OPENCODE, env)).stdout);
      expect(() => JSON.parse(opencode.stdout) as unknown).not.toThrow();
      expect(opencode.stderr).not.toContain('nest on');

      // A source changed: built again, once.
      writeFileSync(join(dir, 'src', 'main.ts'), 'export const changed = 1;\n');
      const changed = await run('npm', ['run', '-s', 'codex'], env, dir);
      expect(changed.code).toBe(0);
      expect(changed.stdout).toBe(codex.stdout);
      expect(changed.stderr).toContain('nest on stdout');
      const again = await run('npm', ['run', '-s', 'codex'], env, dir);
      expect(again.stderr).not.toContain('nest on');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('client helpers against a running proxy, keys on', () => {
  const ctx = useStaticFakeAndProxy({ PROXY_API_KEYS: 'key-a,key-b' });

  it('npm run claude-code refers to PROXY_API_KEY, never prints it, and the shell needs it', async () => {
    const res = await helper(CLAUDE_CODE, {
      PROXY_URL: ctx.proxy.url,
      PROXY_API_KEY: 'key-b',
    });
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).not.toContain('key-b');
    const models = await listed(ctx.proxy.url, 'key-b');
    const shell = await evalShell(res.stdout, ANTHROPIC, {
      PROXY_API_KEY: 'key-b',
    });
    expect(shell.vars).toMatchObject({
      ANTHROPIC_BASE_URL: ctx.proxy.url,
      ANTHROPIC_AUTH_TOKEN: 'key-b',
      ANTHROPIC_DEFAULT_SONNET_MODEL: newestClaude(models, 'sonnet'),
    });
    const unset = await evalShell(res.stdout, ANTHROPIC);
    expect(unset.code).not.toBe(0);
    expect(unset.stderr).toContain(
      'export PROXY_API_KEY=<your proxy key> first',
    );
  });

  it('npm run opencode names PROXY_API_KEY in apiKey, never the key', async () => {
    const res = await helper(OPENCODE, {
      PROXY_URL: ctx.proxy.url,
      PROXY_API_KEY: 'key-a',
    });
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).not.toContain('key-a');
    const config = JSON.parse(res.stdout) as {
      provider: Record<string, { options: Record<string, string> }>;
    };
    expect(config.provider['copilot-proxy'].options.apiKey).toBe(
      '{env:PROXY_API_KEY}',
    );
  });

  it('npm run codex names PROXY_API_KEY as env_key, never the key', async () => {
    const res = await helper(CODEX, {
      PROXY_URL: ctx.proxy.url,
      PROXY_API_KEY: 'key-a',
    });
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).not.toContain('key-a');
    const config = parse(res.stdout) as unknown as CodexToml;
    const models = await listed(ctx.proxy.url, 'key-a');
    expect(models.map((m) => m.id)).toContain(config.model);
    expect(config.model_providers[config.model_provider]).toMatchObject({
      base_url: `${ctx.proxy.url}/v1`,
      wire_api: 'responses',
      env_key: 'PROXY_API_KEY',
    });
  });

  it.each([
    ['claude-code', CLAUDE_CODE],
    ['codex', CODEX],
    ['opencode', OPENCODE],
  ])(
    '%s with a wrong key: exit 1, nothing on stdout, why on stderr',
    async (name, cli) => {
      const res = await helper(cli, {
        PROXY_URL: ctx.proxy.url,
        PROXY_API_KEY: 'wrong-key',
      });
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      // The parenthesis holds the proxy's own message, whatever it says.
      expect(res.stderr).toMatch(
        new RegExp(
          `^${name}: ${ctx.proxy.url}/v1/models answered 401 \\(.+\\): PROXY_API_KEY is not one of this proxy's keys\n$`,
        ),
      );
      expect(res.stderr).not.toContain('wrong-key');
    },
  );

  it.each([
    ['claude-code', CLAUDE_CODE],
    ['codex', CODEX],
    ['opencode', OPENCODE],
  ])('%s without a key says to set one', async (name, cli) => {
    const res = await helper(cli, { PROXY_URL: ctx.proxy.url });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(
      new RegExp(
        `^${name}: ${ctx.proxy.url}/v1/models answered 401 \\(.+\\): keys are on; export PROXY_API_KEY=<your key> and run this again\n$`,
      ),
    );
  });
});

describe('client helpers without a running proxy', () => {
  it.each([
    ['claude-code', CLAUDE_CODE],
    ['codex', CODEX],
    ['opencode', OPENCODE],
  ])(
    '%s: exit 1, nothing on stdout, how to start it on stderr',
    async (name, cli) => {
      const url = `http://127.0.0.1:${await freePort()}`;
      const res = await helper(cli, { PROXY_URL: url });
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr).toBe(
        `${name}: cannot reach the proxy at ${url} (ECONNREFUSED): start it with \`npm start\`, or set PROXY_URL to where it runs\n`,
      );
    },
  );

  it('refuses a PROXY_URL that is no http address', async () => {
    const res = await helper(CODEX, { PROXY_URL: 'localhost:8080' });
    expect(res).toMatchObject({ code: 1, stdout: '' });
    expect(res.stderr).toBe(
      'codex: PROXY_URL must give the proxy\'s http(s) address, such as http://127.0.0.1:8080 (got "localhost:8080")\n',
    );
  });
});
