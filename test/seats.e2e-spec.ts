import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { FakeSeatsGitHub } from './support/fake-seats-github';
import { waitFor } from './support/http-client';
import { keysFile } from './support/keys-file';
import { RedisServer } from './support/redis-server';
import { launchNode, spawnApp, SpawnedApp } from './support/spawn-app';
import {
  emptyConfigHome,
  redisConnected,
  startApp,
  TestApp,
} from './support/test-app';

const ALICE = 'sk-alice-seat-0123456789';
const BOB = 'sk-bob-seat-0123456789';
const CAROL = 'sk-carol-seat-0123456789';
const TEAM = 'sk-team-shared-0123456789';
const ADMIN = 'sk-admin-0123456789';
const PROXY_GITHUB_TOKEN = 'gho_proxyOwnerLoginToken';
const SECRET = 'seats-secret-for-tests-0123456789abcdef';

const KEYS = `
keys:
  - name: alice-key
    key: ${ALICE}
    seat: own
  - name: bob-key
    key: ${BOB}
    seat: own
  - name: carol-key
    key: ${CAROL}
    seat: own
  - name: team-key
    key: ${TEAM}
  - name: admin
    key: ${ADMIN}
    readAllUsage: true
`;

const CHAT = {
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'hi' }],
};

interface World {
  copilot: FakeCopilotApi;
  github: FakeSeatsGitHub;
}

/** A Copilot fake and a GitHub of many people in front of it. */
async function startWorld(): Promise<World> {
  const copilot = await new FakeCopilotApi().start();
  const github = await new FakeSeatsGitHub(copilot).start();
  github.addToken(PROXY_GITHUB_TOKEN, 'proxy-owner');
  return { copilot, github };
}

function env(world: World, extra: Record<string, string> = {}) {
  return {
    GITHUB_API_BASE_URL: world.github.url,
    GITHUB_BASE_URL: world.github.url,
    COPILOT_API_BASE_URL: world.copilot.url,
    PROXY_KEYS_FILE: keysFile(KEYS),
    SEATS_SECRET: SECRET,
    XDG_CONFIG_HOME: emptyConfigHome(),
    ...extra,
  };
}

/** Runs the link flow for `key` through `url`, approved on GitHub as `login`. */
async function link(
  url: string,
  github: FakeSeatsGitHub,
  key: string,
  login: string,
): Promise<void> {
  const started = await request(url)
    .post('/seats/link')
    .set('authorization', `Bearer ${key}`)
    .expect(200);
  github.approve(started.body.user_code as string, login);
  await waitFor(async () => {
    const res = await request(url)
      .get('/seats/link')
      .set('authorization', `Bearer ${key}`);
    return res.body.state === 'linked' && res.body.login === login;
  });
}

function chat(url: string, key: string, path = '/v1/chat/completions') {
  return request(url)
    .post(path)
    .set('authorization', `Bearer ${key}`)
    .send(CHAT);
}

/** Whose Copilot token the latest upstream request to `path` carried. */
function lastSeat(world: World, path = '/chat/completions') {
  return world.github.ownerOf(
    world.copilot.lastRequest(path)?.headers.authorization,
  );
}

describe('Seats: each key on its own Copilot seat (SPEC §14)', () => {
  let world: World;
  let proxy: TestApp;
  let configHome: string;

  beforeAll(async () => {
    world = await startWorld();
    configHome = emptyConfigHome();
    proxy = await startApp(
      env(world, {
        GITHUB_TOKEN: PROXY_GITHUB_TOKEN,
        XDG_CONFIG_HOME: configHome,
      }),
    );
  });
  afterAll(async () => {
    await proxy?.close();
    await world?.github.stop();
    await world?.copilot.stop();
  });

  it('starts the device flow for the caller key and tells it the code', async () => {
    const res = await request(proxy.url)
      .post('/seats/link')
      .set('authorization', `Bearer ${CAROL}`)
      .expect(200);
    expect(res.body).toEqual({
      user_code: expect.stringMatching(/^SEAT-/),
      verification_uri: 'https://github.com/login/device',
      expires_in: 900,
      interval: expect.any(Number),
    });
    await request(proxy.url)
      .get('/seats/link')
      .set('authorization', `Bearer ${CAROL}`)
      .expect(200, { state: 'pending' });
    world.github.deny(res.body.user_code as string);
    await waitFor(async () => {
      const status = await request(proxy.url)
        .get('/seats/link')
        .set('authorization', `Bearer ${CAROL}`);
      return status.body.state === 'denied';
    });
  });

  it('answers an unlinked own-seat key seat_not_linked, in its API shape, before anything goes upstream', async () => {
    const before = world.copilot.requests.length;
    const openai = await chat(proxy.url, CAROL).expect(403);
    expect(openai.body.error).toMatchObject({
      code: 'seat_not_linked',
      type: 'permission_error',
    });
    expect(openai.body.error.message).toContain('npm run login -- --seat');
    expect(openai.body.error.message).toContain('dashboard');
    const anthropic = await request(proxy.url)
      .post('/v1/messages')
      .set('x-api-key', CAROL)
      .send({ model: 'claude-sonnet-4', max_tokens: 5, messages: [] })
      .expect(403);
    expect(anthropic.body).toMatchObject({
      type: 'error',
      error: { type: 'permission_error' },
    });
    await request(proxy.url)
      .get('/v1/models')
      .set('authorization', `Bearer ${CAROL}`)
      .expect(403);
    expect(world.copilot.requests.length).toBe(before);
  });

  it("sends each own-seat key's requests with its own seat's Copilot token, and a shared key's with the proxy's", async () => {
    await link(proxy.url, world.github, ALICE, 'alice');
    await link(proxy.url, world.github, BOB, 'bob');
    await chat(proxy.url, ALICE).expect(200);
    expect(lastSeat(world)).toBe('alice');
    await chat(proxy.url, BOB).expect(200);
    expect(lastSeat(world)).toBe('bob');
    await chat(proxy.url, TEAM).expect(200);
    expect(lastSeat(world)).toBe('proxy-owner');
    // Each seat's /models is its own account's.
    const models = world.copilot.requests
      .filter((r) => r.url === '/models')
      .map((r) => world.github.ownerOf(r.headers.authorization));
    expect(new Set(models)).toEqual(new Set(['proxy-owner', 'alice', 'bob']));
    await request(proxy.url)
      .get('/v1/models')
      .set('authorization', `Bearer ${BOB}`)
      .expect(200);
  });

  it('keeps linked seats in a 0600 file that holds no token', () => {
    const file = join(configHome, 'copilot-proxy', 'seats.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(Object.keys(JSON.parse(text).seats as object).sort()).toEqual([
      'alice-key',
      'bob-key',
    ]);
    for (const token of [
      ...world.github.githubTokens.keys(),
      ...world.github.copilotTokenOwners.keys(),
    ])
      expect(text).not.toContain(token);
  });

  it('shows each key its seat and the seat its own quota at /usage; an admin sees every seat', async () => {
    const alice = await request(proxy.url)
      .get('/usage')
      .set('authorization', `Bearer ${ALICE}`)
      .expect(200);
    expect(alice.body.seat).toEqual({ login: 'alice' });
    expect(alice.body.seatAccount.copilot).toMatchObject({
      login: 'alice',
      copilot_plan: 'individual',
    });
    const team = await request(proxy.url)
      .get('/usage')
      .set('authorization', `Bearer ${TEAM}`)
      .expect(200);
    expect(team.body.seat).toBe('shared');
    const admin = await request(proxy.url)
      .get('/usage')
      .set('authorization', `Bearer ${ADMIN}`)
      .expect(200);
    const seats = Object.fromEntries(
      (admin.body.keys as Array<{ key: string; seat: unknown }>).map((k) => [
        k.key,
        k.seat,
      ]),
    );
    expect(seats).toEqual({
      'alice-key': { login: 'alice' },
      'bob-key': { login: 'bob' },
      'carol-key': { login: null },
      'team-key': 'shared',
      admin: 'shared',
    });
    const bob = (
      admin.body.keys as Array<{ key: string; seatAccount?: any }>
    ).find((k) => k.key === 'bob-key');
    expect(bob?.seatAccount.copilot.copilot_plan).toBe('business');
    expect(JSON.stringify(admin.body)).not.toMatch(/gho_|tid=/);
  });

  it('a seat GitHub refuses answers 401 seat_revoked, and leaves the others working', async () => {
    // Bob revokes the app on GitHub: his tokens stop working everywhere.
    world.github.revoke('bob');
    const revoked = await chat(proxy.url, BOB).expect(401);
    expect(revoked.headers['x-should-retry']).toBe('false');
    expect(revoked.body.error.code).toBe('seat_revoked');
    expect(JSON.stringify(revoked.body)).not.toMatch(/gho_|tid=/);
    await chat(proxy.url, ALICE).expect(200);
    expect(lastSeat(world)).toBe('alice');
    await chat(proxy.url, TEAM).expect(200);
    expect(lastSeat(world)).toBe('proxy-owner');
  });

  it('relinking replaces the link once the new flow succeeds', async () => {
    const started = await request(proxy.url)
      .post('/seats/link')
      .set('authorization', `Bearer ${ALICE}`)
      .expect(200);
    // While the new flow waits, the old link serves.
    await chat(proxy.url, ALICE).expect(200);
    expect(lastSeat(world)).toBe('alice');
    world.github.approve(started.body.user_code as string, 'alice-work');
    await waitFor(async () => {
      const res = await request(proxy.url)
        .get('/seats/link')
        .set('authorization', `Bearer ${ALICE}`);
      return res.body.login === 'alice-work';
    });
    await chat(proxy.url, ALICE).expect(200);
    expect(lastSeat(world)).toBe('alice-work');
    // A revoked seat is linked again the same way.
    await link(proxy.url, world.github, BOB, 'bob');
    await chat(proxy.url, BOB).expect(200);
    expect(lastSeat(world)).toBe('bob');
  });

  it('a 429 cooldown on one seat does not stop the other', async () => {
    world.copilot.script('/chat/completions', {
      status: 429,
      headers: {
        'content-type': 'application/json',
        'x-ratelimit-exceeded': 'global-chat',
        'retry-after': '3600',
      },
      body: '{"error":{"message":"rate limited"}}',
    });
    await chat(proxy.url, ALICE).expect(429);
    expect(lastSeat(world)).toBe('alice-work');
    const upstreamBefore = world.copilot.requests.length;
    const cooled = await chat(proxy.url, ALICE).expect(429);
    expect(cooled.body.error.code).toBe('copilot_cooldown');
    expect(world.copilot.requests.length).toBe(upstreamBefore);
    await chat(proxy.url, BOB).expect(200);
    expect(lastSeat(world)).toBe('bob');
    await chat(proxy.url, TEAM).expect(200);
    const usage = await request(proxy.url)
      .get('/usage')
      .set('authorization', `Bearer ${ALICE}`)
      .expect(200);
    expect(usage.body.seatAccount.cooldown).toMatchObject({
      limit: 'global-chat',
    });
  });

  it("unlinks: the key's next request answers as unlinked; an admin may unlink any key's seat", async () => {
    await request(proxy.url)
      .delete('/seats/link?key=alice-key')
      .set('authorization', `Bearer ${BOB}`)
      .expect(401);
    await request(proxy.url)
      .delete('/seats/link')
      .set('authorization', `Bearer ${BOB}`)
      .expect(200, { state: 'none' });
    await chat(proxy.url, BOB).expect(403);
    await request(proxy.url)
      .delete('/seats/link?key=alice-key')
      .set('authorization', `Bearer ${ADMIN}`)
      .expect(200, { state: 'none' });
    const res = await chat(proxy.url, ALICE).expect(403);
    expect(res.body.error.code).toBe('seat_not_linked');
    await request(proxy.url)
      .get('/seats/link')
      .set('authorization', `Bearer ${ALICE}`)
      .expect(200, { state: 'none' });
  });

  it('links the seat of PROXY_KEY from the command line: npm run login -- --seat', async () => {
    const cli = await launchNode(
      [join(__dirname, '..', 'dist', 'login', 'login.cli.js'), '--seat'],
      {
        PATH: process.env.PATH ?? '',
        PROXY_KEY: CAROL,
        PROXY_URL: proxy.url,
      },
      { waitForListen: false, label: 'login --seat' },
    );
    await waitFor(() => /enter the code: SEAT-\d+/.test(cli.stdout()));
    const code = /enter the code: (SEAT-\d+)/.exec(cli.stdout())![1];
    expect(cli.stdout()).toContain('https://github.com/login/device');
    world.github.approve(code, 'carol');
    expect((await cli.exited).code).toBe(0);
    expect(cli.stdout()).toContain('uses the Copilot seat of carol');
    await chat(proxy.url, CAROL).expect(200);
    expect(lastSeat(world)).toBe('carol');
  });

  it('refuses to link a shared key', async () => {
    const res = await request(proxy.url)
      .post('/seats/link')
      .set('authorization', `Bearer ${TEAM}`)
      .expect(400);
    expect(res.body.error.message).toContain('seat: shared');
  });
});

describe('Seats: a deployment of own seats only, with allowlists', () => {
  let world: World;
  let proxy: TestApp;

  beforeAll(async () => {
    world = await startWorld();
    world.github.orgs.set('dave', ['Acme']);
    // A member of many organisations: the listed one is on GitHub's second page.
    world.github.orgs.set('erin', [
      ...Array.from({ length: 130 }, (_, i) => `org-${i}`),
      'acme',
    ]);
    world.github.orgs.set('mallory', ['evil-corp']);
    proxy = await startApp(
      env(world, {
        PROXY_KEYS_FILE: keysFile(`
keys:
  - name: alice-key
    key: ${ALICE}
    seat: own
  - name: bob-key
    key: ${BOB}
    seat: own
`),
        SEATS_ALLOWED_LOGINS: 'alice',
        SEATS_ALLOWED_ORGS: 'acme',
      }),
    );
  });
  afterAll(async () => {
    await proxy?.close();
    await world?.github.stop();
    await world?.copilot.stop();
  });

  it('starts and is ready without a login of its own', async () => {
    await request(proxy.url).get('/readyz').expect(200);
    expect(world.github.calls).not.toContain('/copilot_internal/v2/token');
  });

  it('refuses a link to a login outside the allowlists', async () => {
    const started = await request(proxy.url)
      .post('/seats/link')
      .set('authorization', `Bearer ${BOB}`)
      .expect(200);
    expect(world.github.scopeOf(started.body.user_code as string)).toBe(
      'read:user read:org',
    );
    world.github.approve(started.body.user_code as string, 'mallory');
    await waitFor(async () => {
      const res = await request(proxy.url)
        .get('/seats/link')
        .set('authorization', `Bearer ${BOB}`);
      return res.body.state === 'denied';
    });
    expect(world.github.calls).toContain('/user/orgs');
    await chat(proxy.url, BOB).expect(403);
  });

  it('links a listed login, and a member of a listed organisation', async () => {
    await link(proxy.url, world.github, ALICE, 'alice');
    await link(proxy.url, world.github, BOB, 'dave');
    await chat(proxy.url, BOB).expect(200);
    expect(lastSeat(world)).toBe('dave');
    await chat(proxy.url, ALICE).expect(200);
    expect(lastSeat(world)).toBe('alice');
  });

  it("reads every page of a login's organisations", async () => {
    await link(proxy.url, world.github, BOB, 'erin');
    await chat(proxy.url, BOB).expect(200);
    expect(lastSeat(world)).toBe('erin');
  });
});

describe('Seats: replicas sharing Redis', () => {
  let world: World;
  let redis: RedisServer;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    world = await startWorld();
    redis = await RedisServer.start();
    const settings = env(world, {
      GITHUB_TOKEN: PROXY_GITHUB_TOKEN,
      REDIS_URL: redis.url,
    });
    a = await startApp(settings);
    b = await startApp(settings);
    await waitFor(() => redisConnected(a) && redisConnected(b));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
    await world?.github.stop();
    await world?.copilot.stop();
  });

  it('serves on the second replica a seat linked on the first, and its unlink too', async () => {
    await link(a.url, world.github, ALICE, 'alice');
    await chat(b.url, ALICE).expect(200);
    expect(lastSeat(world)).toBe('alice');
    await request(b.url)
      .get('/seats/link')
      .set('authorization', `Bearer ${ALICE}`)
      .expect(200, { state: 'linked', login: 'alice' });
    await link(a.url, world.github, BOB, 'bob');
    await request(a.url)
      .delete('/seats/link')
      .set('authorization', `Bearer ${BOB}`)
      .expect(200);
    await chat(b.url, BOB).expect(403);
  });

  it('tells a flow started on one replica from the other, and serves its seat there', async () => {
    const started = await request(a.url)
      .post('/seats/link')
      .set('authorization', `Bearer ${CAROL}`)
      .expect(200);
    await request(b.url)
      .get('/seats/link')
      .set('authorization', `Bearer ${CAROL}`)
      .expect(200, { state: 'pending' });
    world.github.approve(started.body.user_code as string, 'carol');
    await waitFor(async () => {
      const res = await request(b.url)
        .get('/seats/link')
        .set('authorization', `Bearer ${CAROL}`);
      return res.body.state === 'linked' && res.body.login === 'carol';
    });
    await chat(b.url, CAROL).expect(200);
    expect(lastSeat(world)).toBe('carol');
  });

  it('keeps no GitHub or Copilot token in any Redis value', async () => {
    const client = a.app.get<{ client: import('ioredis').Redis }>(
      (await import('../src/redis/redis-connection')).REDIS,
    ).client;
    const dump: string[] = [];
    for (const key of await client.keys('*')) {
      const type = await client.type(key);
      if (type === 'string') dump.push((await client.get(key)) ?? '');
      else if (type === 'hash')
        dump.push(JSON.stringify(await client.hgetall(key)));
      else if (type === 'zset')
        dump.push(
          JSON.stringify(await client.zrange(key, 0, -1, 'WITHSCORES')),
        );
      else if (type === 'list')
        dump.push(JSON.stringify(await client.lrange(key, 0, -1)));
      else if (type === 'set')
        dump.push(JSON.stringify(await client.smembers(key)));
      dump.push(key);
    }
    const text = dump.join('\n');
    expect(text).toContain('"login":"alice"');
    const tokens = [
      ...world.github.githubTokens.keys(),
      ...world.github.copilotTokenOwners.keys(),
    ];
    expect(tokens.length).toBeGreaterThan(3);
    for (const token of tokens) expect(text).not.toContain(token);
  });
});

describe('Seats: no token in logs at debug level or in /metrics', () => {
  let world: World;
  let app: SpawnedApp;
  let configHome: string;

  beforeAll(async () => {
    world = await startWorld();
    configHome = emptyConfigHome();
    app = await spawnApp(
      env(world, {
        GITHUB_TOKEN: PROXY_GITHUB_TOKEN,
        XDG_CONFIG_HOME: configHome,
        LOG_LEVEL: 'debug',
      }),
    );
  });
  afterAll(async () => {
    app?.proc.kill('SIGKILL');
    await world?.github.stop();
    await world?.copilot.stop();
  });

  it('links, calls, revokes, and writes no token anywhere', async () => {
    await link(app.url, world.github, ALICE, 'alice');
    await chat(app.url, ALICE).expect(200);
    await chat(app.url, TEAM).expect(200);
    await chat(app.url, CAROL).expect(403);
    world.github.revoke('alice');
    await chat(app.url, ALICE).expect(401);
    const metrics = await request(app.url).get('/metrics').expect(200);
    const file = readFileSync(
      join(configHome, 'copilot-proxy', 'seats.json'),
      'utf8',
    );
    const everything = [app.stdout(), app.stderr(), metrics.text, file].join(
      '\n',
    );
    expect(app.stdout()).toContain('linked to the seat of alice');
    const tokens = [
      PROXY_GITHUB_TOKEN,
      ...world.github.githubTokens.keys(),
      ...world.github.copilotTokenOwners.keys(),
    ];
    // Alice's GitHub token was revoked: the fake forgot it, the test did not.
    expect(world.github.copilotTokenOwners.size).toBeGreaterThanOrEqual(2);
    for (const token of tokens) expect(everything).not.toContain(token);
    expect(everything).not.toMatch(/gho_seat|tid=alice/);
  });
});
