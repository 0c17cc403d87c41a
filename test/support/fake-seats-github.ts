import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FakeCopilotApi } from './fake-copilot-api';
import { json } from './fake-http';

/** The OAuth app the Copilot editors log in with (the device flow checks it). */
const CLIENT_ID = 'Iv1.b507a08c87ecfe98';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

interface DeviceCodeState {
  deviceCode: string;
  userCode: string;
  scope: string;
  /** Set by {@link FakeSeatsGitHub.approve}: the account that approved it. */
  approvedBy?: string;
  denied?: boolean;
  polls: number;
}

export interface FakeSeatsOptions {
  /** `interval` of every device code (seconds); 0.02 by default, so a test waits on the approval, not on a clock. */
  interval?: number;
  /** Answer the first poll of every code with `slow_down`. */
  slowDown?: boolean;
  /** `endpoints.api` of issued Copilot tokens; the Copilot fake's URL by default. */
  endpointsApi?: string;
}

/**
 * A GitHub with many people on it: every account gets its own GitHub tokens
 * (from the device flow, or {@link addToken}) and its own Copilot tokens,
 * `tid=<login>-<n>;exp=…`, which the Copilot fake accepts. Serves the device
 * flow (`/login/device/code`, `/login/oauth/access_token`), `/user`,
 * `/user/orgs`, the token exchange and `copilot_internal/user`. A code is
 * approved or denied by the test, as the person would in a browser.
 */
export class FakeSeatsGitHub {
  /** GitHub token → login. */
  readonly githubTokens = new Map<string, string>();
  /** Copilot token → login, for every token issued. */
  readonly copilotTokenOwners = new Map<string, string>();
  /** Organisations by login. */
  readonly orgs = new Map<string, string[]>();
  /** Calls by path (`/user/orgs` counts the allowlist checks). */
  readonly calls: string[] = [];
  private readonly codes = new Map<string, DeviceCodeState>();
  private serial = 0;
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly copilot: FakeCopilotApi,
    private readonly options: FakeSeatsOptions = {},
  ) {}

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** A GitHub token of `login` that needs no device flow (the proxy's own login). */
  addToken(token: string, login: string): void {
    this.githubTokens.set(token, login);
  }

  /** The person approves the code in their browser, signed in as `login`. */
  approve(userCode: string, login: string): void {
    this.code(userCode).approvedBy = login;
  }

  /** The person refuses the code. */
  deny(userCode: string): void {
    this.code(userCode).denied = true;
  }

  /** The scope the code was asked with. */
  scopeOf(userCode: string): string {
    return this.code(userCode).scope;
  }

  /**
   * The person revokes the app on GitHub: their GitHub tokens are refused and
   * their Copilot tokens stop working at the Copilot API.
   */
  revoke(login: string): void {
    for (const [token, owner] of this.githubTokens)
      if (owner === login) this.githubTokens.delete(token);
    for (const [token, owner] of this.copilotTokenOwners)
      if (owner === login) this.copilot.copilotTokens.delete(token);
  }

  /** Whose Copilot token a recorded `Authorization: Bearer …` carries. */
  ownerOf(authorization: string | string[] | undefined): string | undefined {
    const value = Array.isArray(authorization)
      ? authorization[0]
      : authorization;
    return this.copilotTokenOwners.get((value ?? '').replace(/^Bearer /, ''));
  }

  private code(userCode: string): DeviceCodeState {
    const state = [...this.codes.values()].find((c) => c.userCode === userCode);
    if (!state) throw new Error(`no device code ${userCode}`);
    return state;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      this.calls.push(url.pathname);
      const body = parse(Buffer.concat(chunks).toString('utf8'), req);
      const login = this.login(req);
      switch (url.pathname) {
        case '/login/device/code':
          return this.deviceCode(res, body);
        case '/login/oauth/access_token':
          return this.poll(res, body);
        case '/user':
          if (!login) return badCredentials(res);
          return json(res, 200, { login, id: 1000 + login.length });
        case '/user/orgs':
          if (!login) return badCredentials(res);
          // 100 a page, as GitHub pages them (`per_page` at most 100).
          return json(
            res,
            200,
            (this.orgs.get(login) ?? [])
              .slice(
                (Number(url.searchParams.get('page') ?? 1) - 1) * 100,
                Number(url.searchParams.get('page') ?? 1) * 100,
              )
              .map((org) => ({ login: org })),
          );
        case '/copilot_internal/v2/token':
          if (!login) return badCredentials(res);
          return this.exchange(res, login);
        case '/copilot_internal/user':
          if (!login) return badCredentials(res);
          return json(res, 200, {
            login,
            copilot_plan: login === 'bob' ? 'business' : 'individual',
            quota_reset_date: '2026-12-01',
            quota_snapshots: {
              premium_interactions: { entitlement: 300, remaining: 300 },
            },
          });
        default:
          return json(res, 404, { message: 'Not Found' });
      }
    });
  }

  private login(req: IncomingMessage): string | undefined {
    const auth = req.headers.authorization ?? '';
    return auth.startsWith('token ')
      ? this.githubTokens.get(auth.slice(6))
      : undefined;
  }

  private deviceCode(res: ServerResponse, body: Record<string, string>): void {
    if (body.client_id !== CLIENT_ID)
      return json(res, 400, { error: 'unknown client' });
    const n = ++this.serial;
    const state: DeviceCodeState = {
      deviceCode: `fake-seat-device-${n}`,
      userCode: `SEAT-${String(n).padStart(4, '0')}`,
      scope: body.scope ?? '',
      polls: 0,
    };
    this.codes.set(state.deviceCode, state);
    json(res, 200, {
      device_code: state.deviceCode,
      user_code: state.userCode,
      verification_uri: 'https://github.com/login/device',
      expires_in: 900,
      interval: this.options.interval ?? 0.02,
    });
  }

  private poll(res: ServerResponse, body: Record<string, string>): void {
    const state = this.codes.get(body.device_code);
    if (
      !state ||
      body.client_id !== CLIENT_ID ||
      body.grant_type !== DEVICE_GRANT
    )
      return json(res, 200, { error: 'incorrect_device_code' });
    state.polls++;
    if (this.options.slowDown && state.polls === 1)
      return json(res, 200, { error: 'slow_down', interval: 0 });
    if (state.denied) return json(res, 200, { error: 'access_denied' });
    if (!state.approvedBy)
      return json(res, 200, { error: 'authorization_pending' });
    this.codes.delete(state.deviceCode);
    const token = `gho_seat${this.serial}${state.approvedBy.replace(/\W/g, '')}Secret${++this.serial}`;
    this.githubTokens.set(token, state.approvedBy);
    json(res, 200, {
      access_token: token,
      token_type: 'bearer',
      scope: state.scope,
    });
  }

  private exchange(res: ServerResponse, login: string): void {
    const expiresAt = Math.floor(Date.now() / 1000) + 1800;
    const token = `tid=${login}-${++this.serial};exp=${expiresAt};sku=free;proxy-ep=proxy.fake`;
    this.copilotTokenOwners.set(token, login);
    this.copilot.copilotTokens.add(token);
    json(res, 200, {
      token,
      expires_at: expiresAt,
      refresh_in: 1500,
      endpoints: { api: this.options.endpointsApi ?? this.copilot.url },
      chat_enabled: true,
      sku: 'free',
    });
  }
}

function badCredentials(res: ServerResponse): void {
  json(res, 401, {
    message: 'Bad credentials',
    documentation_url: 'https://docs.github.com/rest',
  });
}

function parse(text: string, req: IncomingMessage): Record<string, string> {
  if ((req.headers['content-type'] ?? '').includes('json')) {
    try {
      return JSON.parse(text) as Record<string, string>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}
