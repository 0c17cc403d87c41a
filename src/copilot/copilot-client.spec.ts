import { settingsModule } from '../config/settings.module';
import { Test } from '@nestjs/testing';
import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { parseSettings } from '../config/settings';
import { ProxyError } from '../errors/proxy-error';
import { CopilotClient, REPLAY_LIMIT_BYTES } from './copilot-client';
import {
  COPILOT_TOKEN_PROVIDER,
  CopilotCredentials,
  CopilotTokenProvider,
} from './token/copilot-token.provider';
import {
  OutboundRequest,
  UpstreamResponse,
  UpstreamTransport,
} from './upstream-transport';

/** The same upstream answer, with the account that gave it. */
function expectSameAnswer(got: object, sent: UpstreamResponse): void {
  expect(got).toMatchObject({ ...sent, account: expect.any(String) });
  expect((got as UpstreamResponse).body).toBe(sent.body);
}

const FIRST: CopilotCredentials = {
  token: 'copilot-token-1',
  apiBaseUrl: 'https://api.one.example',
  account: 'api.one.example/0123456789abcdef',
};
const FRESH: CopilotCredentials = {
  token: 'copilot-token-2',
  apiBaseUrl: 'https://api.two.example',
  account: 'api.two.example/0123456789abcdef',
};

const readAll = async (body: OutboundRequest['body']): Promise<Buffer> => {
  if (body === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
};

const answer = (status: number): UpstreamResponse => ({
  status,
  statusMessage: '',
  rawHeaders: ['Content-Type', 'application/json'],
  body: new PassThrough() as unknown as IncomingMessage,
});

/** Records each outbound request and the body bytes it carried. */
class FakeTransport extends UpstreamTransport {
  readonly sent: Array<{ request: OutboundRequest; bytes: Buffer }> = [];
  readonly answers: UpstreamResponse[] = [];
  /** Whether the n-th round trip reads its body (an upstream may answer first). */
  readBody: boolean[] = [];

  /** Asks for the body once more, as after a dead pooled connection. */
  replayOnDeadSocket = false;
  replayed: Array<Buffer | undefined> = [];

  async roundTrip(request: OutboundRequest): Promise<UpstreamResponse> {
    const reads = this.readBody[this.sent.length] ?? true;
    const entry: { request: OutboundRequest; bytes: Buffer } = {
      request,
      bytes: Buffer.alloc(0),
    };
    this.sent.push(entry);
    if (reads) entry.bytes = await readAll(request.body);
    if (this.replayOnDeadSocket) {
      const again = await request.replayBody?.();
      this.replayed.push(again ? await readAll(again.body) : undefined);
    }
    return this.answers.shift() ?? answer(200);
  }
}

class FakeTokens implements CopilotTokenProvider {
  constructor(readonly canRefresh: boolean) {}
  readonly getCredentials = jest.fn(() => Promise.resolve(FIRST));
  readonly refreshAfterRejection = jest.fn(
    (_rejected: CopilotCredentials): Promise<CopilotCredentials | undefined> =>
      Promise.resolve(this.canRefresh ? FRESH : undefined),
  );
  readonly rejectedAfterRefresh = jest.fn(
    (_credentials: CopilotCredentials): void => undefined,
  );
  status() {
    return { ready: true, detail: 'ok' };
  }
}

async function createClient(
  transport: FakeTransport,
  tokens: FakeTokens,
  env: Record<string, string> = {},
): Promise<CopilotClient> {
  const settings = parseSettings({ COPILOT_TOKEN: 'unused', ...env });
  const moduleRef = await Test.createTestingModule({
    imports: [settingsModule(settings)],
    providers: [
      CopilotClient,
      { provide: UpstreamTransport, useValue: transport },
      { provide: COPILOT_TOKEN_PROVIDER, useValue: tokens },
    ],
  }).compile();
  return moduleRef.get(CopilotClient);
}

const streamOf = (...parts: string[]) =>
  Readable.from(parts.map((part) => Buffer.from(part)));

describe('CopilotClient', () => {
  let transport: FakeTransport;

  beforeEach(() => {
    transport = new FakeTransport();
  });

  const send = (
    client: CopilotClient,
    body?: Readable | Buffer,
    signal = new AbortController().signal,
  ) =>
    client.send({
      method: 'POST',
      path: '/chat/completions?x=1',
      headers: { 'content-type': 'application/json', 'editor-version': 'v' },
      body,
      signal,
    });

  it("sends the credentials' token as Bearer to the credentials' base URL", async () => {
    const client = await createClient(transport, new FakeTokens(true));
    const response = await send(client, Buffer.from('{}'));
    expect(response.status).toBe(200);
    expect(transport.sent).toHaveLength(1);
    const { request, bytes } = transport.sent[0];
    expect(request.baseUrl).toBe(FIRST.apiBaseUrl);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/chat/completions?x=1');
    expect(request.headers).toEqual({
      'content-type': 'application/json',
      'editor-version': 'v',
      authorization: `Bearer ${FIRST.token}`,
    });
    expect(bytes.toString()).toBe('{}');
  });

  it('replaces an authorization header the caller left in', async () => {
    const client = await createClient(transport, new FakeTokens(true));
    await client.send({
      method: 'GET',
      path: '/models',
      headers: { authorization: 'Bearer client-key' },
      signal: new AbortController().signal,
    });
    expect(transport.sent[0].request.headers.authorization).toBe(
      `Bearer ${FIRST.token}`,
    );
  });

  it('after a 401, refreshes once and retries once with the fresh token and the same bytes', async () => {
    const tokens = new FakeTokens(true);
    const client = await createClient(transport, tokens);
    const rejected = answer(401);
    transport.answers.push(rejected, answer(200));

    const response = await send(client, streamOf('{"model":', '"gpt-4o"}'));

    expect(response.status).toBe(200);
    expect(tokens.refreshAfterRejection).toHaveBeenCalledTimes(1);
    expect(tokens.refreshAfterRejection).toHaveBeenCalledWith(FIRST);
    expect(transport.sent).toHaveLength(2);
    const [first, retry] = transport.sent;
    expect(first.request.headers.authorization).toBe(`Bearer ${FIRST.token}`);
    expect(retry.request.headers.authorization).toBe(`Bearer ${FRESH.token}`);
    expect(retry.request.baseUrl).toBe(FRESH.apiBaseUrl);
    expect(first.bytes.toString()).toBe('{"model":"gpt-4o"}');
    expect(retry.bytes.equals(first.bytes)).toBe(true);
    expect(rejected.body.destroyed).toBe(true);
    expect(tokens.rejectedAfterRefresh).not.toHaveBeenCalled();
    expect(client.replayBytesHeld).toBe(0);
  });

  it('tells the provider when the fresh token is refused too, and returns that 401', async () => {
    const tokens = new FakeTokens(true);
    const client = await createClient(transport, tokens);
    const second = answer(401);
    transport.answers.push(answer(401), second);

    const response = await send(client, Buffer.from('{}'));

    // The same upstream answer, with the account that gave it.
    expect(response).toMatchObject({ ...second, account: expect.any(String) });
    expect(response.body).toBe(second.body);
    expect(transport.sent).toHaveLength(2);
    expect(tokens.refreshAfterRejection).toHaveBeenCalledTimes(1);
    expect(tokens.rejectedAfterRefresh).toHaveBeenCalledWith(FRESH);
  });

  it('retries with the whole body when the first upstream answered 401 without reading it', async () => {
    const client = await createClient(transport, new FakeTokens(true));
    transport.answers.push(answer(401), answer(200));
    transport.readBody = [false, true];

    const response = await send(client, streamOf('a', 'b', 'c'));

    expect(response.status).toBe(200);
    expect(transport.sent[1].bytes.toString()).toBe('abc');
  });

  it('retries a Buffer body with the same bytes', async () => {
    const client = await createClient(transport, new FakeTokens(true));
    transport.answers.push(answer(401), answer(200));
    const body = Buffer.from('{"input":"x"}');
    await send(client, body);
    expect(transport.sent).toHaveLength(2);
    expect(transport.sent[1].bytes.equals(body)).toBe(true);
  });

  it('returns the 401 as it came with a static token (canRefresh false)', async () => {
    const tokens = new FakeTokens(false);
    const client = await createClient(transport, tokens);
    const rejected = answer(401);
    transport.answers.push(rejected);

    const response = await send(client, streamOf('{}'));

    expectSameAnswer(response, rejected);
    expect(rejected.body.destroyed).toBe(false);
    expect(transport.sent).toHaveLength(1);
    expect(tokens.refreshAfterRejection).not.toHaveBeenCalled();
  });

  it('returns the 401 as it came when the body was larger than REPLAY_LIMIT_BYTES', async () => {
    const client = await createClient(transport, new FakeTokens(true));
    const rejected = answer(401);
    transport.answers.push(rejected);
    const mib = Buffer.alloc(1024 * 1024, 0x61);
    const chunks = Array.from(
      { length: REPLAY_LIMIT_BYTES / mib.length + 1 },
      () => mib,
    );

    const response = await send(client, Readable.from(chunks));

    expectSameAnswer(response, rejected);
    expect(rejected.body.destroyed).toBe(false);
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0].bytes.length).toBe(
      REPLAY_LIMIT_BYTES + mib.length,
    );
    expect(client.replayBytesHeld).toBe(0);
  });

  it('returns the first 401 when the refresh yields no credentials', async () => {
    const tokens = new FakeTokens(true);
    tokens.refreshAfterRejection.mockResolvedValueOnce(undefined);
    const client = await createClient(transport, tokens);
    const rejected = answer(401);
    transport.answers.push(rejected, answer(200));

    const response = await send(client, streamOf('{}'));

    expectSameAnswer(response, rejected);
    expect(rejected.body.destroyed).toBe(false);
    expect(tokens.refreshAfterRejection).toHaveBeenCalledTimes(1);
    expect(transport.sent).toHaveLength(1);
  });

  it('answers with the refresh failure, and drops the 401, when the refresh fails', async () => {
    const tokens = new FakeTokens(true);
    const failure = new ProxyError('copilot_token_exchange_failed', {
      headers: { 'retry-after': '2' },
    });
    tokens.refreshAfterRejection.mockRejectedValueOnce(failure);
    const client = await createClient(transport, tokens);
    const rejected = answer(401);
    transport.answers.push(rejected);

    await expect(send(client, Buffer.from('{}'))).rejects.toBe(failure);
    expect(rejected.body.destroyed).toBe(true);
    expect(transport.sent).toHaveLength(1);
  });

  it('does not retry when the client has gone away', async () => {
    const tokens = new FakeTokens(true);
    const client = await createClient(transport, tokens);
    const rejected = answer(401);
    transport.answers.push(rejected, answer(200));
    const caller = new AbortController();
    caller.abort();

    const response = await send(client, Buffer.from('{}'), caller.signal);

    expectSameAnswer(response, rejected);
    expect(transport.sent).toHaveLength(1);
  });

  it('does not retry answers other than 401', async () => {
    const tokens = new FakeTokens(true);
    const client = await createClient(transport, tokens);
    const forbidden = answer(403);
    transport.answers.push(forbidden);
    const got = await send(client, streamOf('{}'));
    expect(got.body).toBe(forbidden.body);
    expect(got.status).toBe(forbidden.status);
    expect(tokens.refreshAfterRejection).not.toHaveBeenCalled();
    expect(transport.sent).toHaveLength(1);
  });

  it('lets the transport have the body again (a dead pooled connection)', async () => {
    const client = await createClient(transport, new FakeTokens(false));
    transport.readBody = [false];
    transport.replayOnDeadSocket = true;
    await send(client, streamOf('x', 'y'));
    expect(transport.replayed).toHaveLength(1);
    expect(transport.replayed[0]?.toString()).toBe('xy');
    expect(client.replayBytesHeld).toBe(0);
  });

  it('keeps no copy past REPLAY_MAX_BYTES', async () => {
    const client = await createClient(transport, new FakeTokens(true), {
      REPLAY_MAX_BYTES: '4',
    });
    const rejected = answer(401);
    transport.answers.push(rejected);
    transport.replayOnDeadSocket = true;
    const response = await send(client, streamOf('12345'));
    expect(transport.replayed).toEqual([undefined]);
    expectSameAnswer(response, rejected);
    expect(transport.sent).toHaveLength(1);
  });
});
