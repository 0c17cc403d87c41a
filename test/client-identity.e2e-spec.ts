import { FakeCopilotApi } from './support/fake-copilot-api';
import type { RecordedRequest } from './support/fake-http';
import { loadShapes, Replay, replayOf } from './support/client-shapes';
import { rawRequest, RawResponse } from './support/http-client';
import { FIXTURE_COPILOT_TOKEN, startApp, TestApp } from './support/test-app';

/**
 * Issue 27 item 2: the ids Codex, Claude Code and opencode send about their
 * installation, device and session stay home unless KEEP_CLIENT_IDENTITY is set.
 * The recorded sessions are replayed with a distinct id in each place.
 */
const IDS = {
  installation: 'inst-5b0c1e2d-install',
  originator: 'codex_exec',
  codexSession: 'sess-7a7a-codex',
  codexThread: 'thread-8b8b-codex',
  clientRequest: 'creq-9c9c-codex',
  turnMetadataInstallation: 'meta-inst-4d4d',
  claudeUser:
    'user_ab12cd34_account_9f1e2d3c_session_0c3d4e5f-claude-code-user-id',
  opencodeSession: 'ses_opencode_1e1e',
  opencodeAffinity: 'aff_opencode_2f2f',
};
const CACHE_KEY = 'pck-turns-and-caching-3a3a';

/** Codex's turn with its ids where the recording had placeholders. */
function codexTurn(): Replay {
  const replay = replayOf(loadShapes('codex-say-hi')[0], {
    model: 'gpt-5.1-codex',
  });
  const body = JSON.parse(replay.body!) as Record<string, unknown>;
  body.prompt_cache_key = CACHE_KEY;
  body.client_metadata = { 'x-codex-installation-id': IDS.installation };
  const metadata = JSON.parse(
    replay.headers['x-codex-turn-metadata'],
  ) as Record<string, unknown>;
  metadata.installation_id = IDS.turnMetadataInstallation;
  return {
    ...replay,
    headers: {
      ...replay.headers,
      'x-codex-turn-metadata': JSON.stringify(metadata),
      originator: IDS.originator,
      'session-id': IDS.codexSession,
      'thread-id': IDS.codexThread,
      'x-client-request-id': IDS.clientRequest,
    },
    body: JSON.stringify(body),
  };
}

/** Claude Code's turn (2.1.332) with its user id, on `model`. */
function claudeCodeTurn(model: string): Replay {
  const replay = replayOf(loadShapes('cc-2.1.332-say-hi')[1], { model });
  const body = JSON.parse(replay.body!) as Record<string, unknown>;
  body.metadata = { user_id: IDS.claudeUser };
  return { ...replay, body: JSON.stringify(body) };
}

/** opencode's turn with its session headers. */
function opencodeTurn(): Replay {
  const replay = replayOf(loadShapes('opencode-say-hi')[1]);
  return {
    ...replay,
    headers: {
      ...replay.headers,
      'x-session-id': IDS.opencodeSession,
      'x-session-affinity': IDS.opencodeAffinity,
    },
  };
}

/** Everything upstream received: header lines and body. */
const wire = (seen: RecordedRequest) =>
  `${seen.rawHeaders.join('\n')}\n${seen.body.toString()}`;

function useProxy(env: Record<string, string> = {}) {
  const ctx = {} as { fake: FakeCopilotApi; proxy: TestApp };
  beforeAll(async () => {
    ctx.fake = await new FakeCopilotApi().start();
    ctx.proxy = await startApp({
      COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
      COPILOT_API_BASE_URL: ctx.fake.url,
      ...env,
    });
  });
  afterAll(async () => {
    await ctx.proxy?.close();
    await ctx.fake?.stop();
  });
  const send = async (
    replay: Replay,
    path: string,
  ): Promise<{ res: RawResponse; seen: RecordedRequest }> => {
    const before = ctx.fake.requests.length;
    const res = await rawRequest(ctx.proxy.url + replay.url, {
      method: replay.method,
      headers: replay.headers,
      body: replay.body,
    });
    const seen = ctx.fake.requests
      .slice(before)
      .find((r) => r.url.startsWith(path));
    expect(seen).toBeDefined();
    return { res, seen: seen! };
  };
  return { ctx, send };
}

describe('client identity stays home (issue 27, item 2)', () => {
  const { send } = useProxy();

  it('sends a Codex turn without its installation, session, thread and request ids, keeping prompt_cache_key', async () => {
    const { res, seen } = await send(codexTurn(), '/responses');
    expect(res.status).toBe(200);
    const sent = wire(seen);
    for (const id of [
      IDS.installation,
      IDS.codexSession,
      IDS.codexThread,
      IDS.clientRequest,
      IDS.turnMetadataInstallation,
    ])
      expect(sent).not.toContain(id);
    for (const name of ['originator', 'session-id', 'thread-id'])
      expect(seen.headers[name]).toBeUndefined();
    const body = JSON.parse(seen.body.toString()) as Record<string, unknown>;
    expect(body.client_metadata).toBeUndefined();
    expect(body.prompt_cache_key).toBe(CACHE_KEY);
    expect(res.headers['x-copilot-adjusted']).toBe('client-metadata');
  });

  it("sends Claude Code's turn without metadata.user_id, native and translated", async () => {
    const native = await send(
      claudeCodeTurn('claude-sonnet-4.5'),
      '/v1/messages',
    );
    expect(native.res.status).toBe(200);
    expect(wire(native.seen)).not.toContain(IDS.claudeUser);
    expect(JSON.parse(native.seen.body.toString()).metadata).toBeUndefined();
    // Besides Claude Code's own betas and billing line (their rules, SPEC §13).
    expect(
      String(native.res.headers['x-copilot-adjusted']).split(','),
    ).toContain('metadata-user-id');

    const bridged = await send(claudeCodeTurn('gpt-4o'), '/chat/completions');
    expect(bridged.res.status).toBe(200);
    expect(bridged.res.headers['x-copilot-bridge']).toBe('messages->chat');
    expect(wire(bridged.seen)).not.toContain(IDS.claudeUser);
    expect(JSON.parse(bridged.seen.body.toString()).user).toBeUndefined();
    expect(bridged.res.headers['x-copilot-adjusted']).toBe('bridged-user');
  });

  it("sends opencode's turn without its session headers", async () => {
    const { res, seen } = await send(opencodeTurn(), '/chat/completions');
    expect(res.status).toBe(200);
    const sent = wire(seen);
    expect(sent).not.toContain(IDS.opencodeSession);
    expect(sent).not.toContain(IDS.opencodeAffinity);
  });
});

describe('client identity with KEEP_CLIENT_IDENTITY=true', () => {
  const { send } = useProxy({ KEEP_CLIENT_IDENTITY: 'true' });

  it('sends every id as the clients sent it', async () => {
    const codex = await send(codexTurn(), '/responses');
    expect(codex.res.headers['x-copilot-adjusted']).toBeUndefined();
    for (const id of Object.values(IDS).filter(
      (id) => !id.startsWith('user_') && !id.includes('opencode'),
    ))
      expect(wire(codex.seen)).toContain(id);
    const claude = await send(
      claudeCodeTurn('claude-sonnet-4.5'),
      '/v1/messages',
    );
    expect(wire(claude.seen)).toContain(IDS.claudeUser);
    const bridged = await send(claudeCodeTurn('gpt-4o'), '/chat/completions');
    expect(JSON.parse(bridged.seen.body.toString()).user).toBe(IDS.claudeUser);
    const opencode = await send(opencodeTurn(), '/chat/completions');
    expect(opencode.seen.headers['x-session-id']).toBe(IDS.opencodeSession);
    expect(opencode.seen.headers['x-session-affinity']).toBe(
      IDS.opencodeAffinity,
    );
  });
});
