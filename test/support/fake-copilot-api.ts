import { EventEmitter } from 'node:events';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CopilotRoutes } from './fake-copilot-routes';
import { FaultRoutes } from './fake-fault-routes';
import { GitHubRoutes } from './fake-github';
import {
  Exchange,
  FakeTimers,
  RecordedRequest,
  ServedAnswer,
} from './fake-http';
import { jsonBody } from './fake-inference';
import { FakeModel, MODELS } from './fake-models';
import { FakeScript, ScriptedAnswer } from './fake-script';
import { FakeSockets } from './fake-sockets';
import { STRICT_EXTRA_MODELS } from './strict/strict-models';
import { StrictMode, StrictOptions } from './strict/strict-mode';

export { nowMs } from './fake-http';
export type { RecordedRequest, ServedAnswer } from './fake-http';
export type { FakeModel } from './fake-models';
export type { ScriptedAnswer } from './fake-script';

export interface FakeOptions {
  /** Copilot tokens the API accepts. */
  copilotTokens?: string[];
  /** GitHub tokens the token endpoint exchanges. */
  githubTokens?: string[];
  tokenLifetimeSeconds?: number;
  refreshInSeconds?: number;
  /** `endpoints.api` in the token answer; defaults to this server. */
  endpointsApi?: string;
  /** The initial {@link FakeCopilotApi.issueExpiredTokens}. */
  issueExpiredTokens?: boolean;
  /** Device flow: how many polls answer `authorization_pending` first. */
  devicePendingPolls?: number;
  /** Device flow: answer `slow_down` on the first poll. */
  deviceSlowDown?: boolean;
  deviceInterval?: number;
  /** The access token the device flow hands out. */
  deviceAccessToken?: string;
  /** Keep no request records, {@link FakeCopilotApi.served} included (the benchmark: millions of requests). */
  recordRequests?: boolean;
  /**
   * The initial {@link FakeCopilotApi.minEditorVersion}, e.g. `'vscode/1.110.0'`;
   * undefined (the default) accepts any `Editor-Version`.
   */
  minEditorVersion?: string;
  /**
   * Behave like the real Copilot of late 2026 (`strict/strict-copilot.ts`): refuse
   * what it refuses, answer in its shapes. `true`, or which rules and answers.
   */
  strict?: true | StrictOptions;
}

/**
 * A fake of the Copilot API and of the GitHub endpoints it depends on, on a real
 * loopback socket: the Copilot routes (`fake-copilot-routes.ts`, one file per
 * inference API: `fake-chat-route.ts`, `fake-messages-route.ts`,
 * `fake-responses-route.ts`; the models in `fake-models.ts`, checked by
 * `fake-model-check.ts`; tool calls and results read by `fake-turns.ts`), GitHub's
 * token exchange, account and quota info and device flow (`fake-github.ts`),
 * `/_test/*` routes that misbehave on purpose (`fake-fault-routes.ts`), and answers a
 * test scripts for one request ({@link FakeCopilotApi.script}). Every route answers once
 * the request body has been read to its end. Emits `request` (a {@link RecordedRequest}, body read) and
 * `aborted` (the client closed before the answer was complete).
 */
export class FakeCopilotApi extends EventEmitter {
  /** Every request so far, in arrival order (unless `recordRequests` is false). */
  readonly requests: RecordedRequest[] = [];
  /**
   * What each inference request (chat completions, messages, responses, embeddings;
   * scripted answers to any path too) was answered, in order (unless
   * `recordRequests` is false).
   */
  readonly served: ServedAnswer[] = [];
  /**
   * The account's models as `GET /models` lists them and the inference routes check
   * them (a copy of `fake-models.ts`' list, which a test may change).
   */
  readonly models: FakeModel[] = structuredClone(MODELS.data);
  /**
   * When set, a Copilot API request whose `Editor-Version` is older (by its version
   * numbers) gets Copilot's 466 "the specified API version is no longer supported".
   */
  minEditorVersion: string | undefined;
  readonly copilotTokens: Set<string>;
  readonly githubTokens: Set<string>;
  /** Token exchanges answered with a token. */
  tokenExchanges = 0;
  /** Every request to the token exchange, refused and failed ones included. */
  tokenExchangeAttempts = 0;
  /** When set, the token exchange answers this status (e.g. 500, 503), no token. */
  exchangeFailure: undefined | { status: number } = undefined;
  /** The token exchange hands out tokens already expired (`refresh_in` 0), which the API refuses. */
  issueExpiredTokens: boolean;
  /** Requests `/_test/reset-reused` answered by destroying a reused socket. */
  reusedSocketResets = 0;
  /** When each device-flow poll arrived (`Date.now()`). */
  devicePolls: number[] = [];
  /** Inference answers carry `copilot_usage` `{total_nano_aiu, token_details}` next to `usage`. */
  copilotUsage = false;
  /** When set, every inference answer carries `x-quota-snapshot-premium_interactions: <this>`. */
  quotaSnapshot: string | undefined = undefined;
  /** Every `GET /models`, refused (token, `Editor-Version`) and failed ones included. */
  modelsRequests = 0;
  /** When set, `GET /models` answers this status with a JSON error (429: `retry-after: 5`). */
  modelsFailure: undefined | { status: number } = undefined;
  /** `GET /models` answers after this many milliseconds (0: at once). */
  modelsDelayMs = 0;
  /** Every `GET /copilot_internal/user` (account, plan and quota snapshots), refused ones included. */
  userInfoRequests = 0;
  /** The strict mode's checks, verdicts and reasoning ledger; undefined when lenient. */
  readonly strict: StrictMode | undefined;
  private server?: Server;
  private readonly gates: Array<{ prefix: string; opened: Promise<void> }> = [];
  private readonly sockets = new FakeSockets();
  private readonly timers = new FakeTimers();
  private readonly github: GitHubRoutes;
  private readonly copilot: CopilotRoutes;
  private readonly faults: FaultRoutes;
  private readonly scripts: FakeScript;

  constructor(readonly options: FakeOptions = {}) {
    super();
    this.copilotTokens = new Set(
      options.copilotTokens ?? ['test-copilot-token'],
    );
    this.githubTokens = new Set(options.githubTokens ?? []);
    this.issueExpiredTokens = options.issueExpiredTokens ?? false;
    this.minEditorVersion = options.minEditorVersion;
    this.scripts = new FakeScript(this.timers);
    this.github = new GitHubRoutes(this);
    this.copilot = new CopilotRoutes(this, this.timers);
    this.faults = new FaultRoutes(this, this.sockets, this.timers);
    if (options.strict) {
      this.models.push(...structuredClone(STRICT_EXTRA_MODELS));
      const strict = options.strict === true ? {} : options.strict;
      this.strict = new StrictMode(this, this.timers, strict);
    }
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(port = 0): Promise<this> {
    this.timers.start();
    this.server = createServer({ keepAliveTimeout: 60_000 }, (req, res) =>
      this.handle(req, res),
    );
    this.server.on('connection', (socket: Socket) => this.sockets.add(socket));
    await new Promise<void>((resolve) =>
      this.server!.listen(port, '127.0.0.1', resolve),
    );
    return this;
  }

  /** Clears every timer, destroys every socket and closes the server. */
  async stop(): Promise<void> {
    this.timers.stop();
    this.sockets.destroyAll();
    await new Promise<void>(
      (resolve) => this.server?.close(() => resolve()) ?? resolve(),
    );
  }

  /**
   * The next `answer.times` (1) Copilot API requests whose path starts with
   * `pathPrefix` get `answer`, exactly, instead of their route's answer, once they
   * pass the token and `Editor-Version` checks. Scripts are served first scripted
   * first, and noted in {@link served} with `scripted: true`.
   */
  script(pathPrefix: string, answer: ScriptedAnswer): void {
    this.scripts.add(pathPrefix, answer);
  }

  /**
   * Holds every request whose path starts with `pathPrefix` (recorded, body read,
   * not answered) until the returned function is called; then each is answered as
   * usual. For tests that must know every request arrived before any is answered.
   */
  holdAnswers(pathPrefix: string): () => void {
    let open!: () => void;
    const gate = {
      prefix: pathPrefix,
      opened: new Promise<void>((resolve) => (open = resolve)),
    };
    this.gates.push(gate);
    return () => {
      const at = this.gates.indexOf(gate);
      if (at >= 0) this.gates.splice(at, 1);
      open();
    };
  }

  /** Drops every scripted answer not served yet. */
  clearScripts(): void {
    this.scripts.clear();
  }

  /** How many {@link script} entries still wait for a request. */
  get pendingScripts(): number {
    return this.scripts.pending;
  }

  /** The latest recorded request whose path (query aside) starts with `pathPrefix`. */
  lastRequest(pathPrefix: string): RecordedRequest | undefined {
    for (let i = this.requests.length - 1; i >= 0; i--) {
      const record = this.requests[i];
      if (new URL(record.url, 'http://fake').pathname.startsWith(pathPrefix))
        return record;
    }
    return undefined;
  }

  /** A recorded request's body as JSON (a `SyntaxError` when it is not JSON). */
  bodyOf<T = any>(record: RecordedRequest): T {
    return JSON.parse(record.body.toString('utf8')) as T;
  }

  /** Records `answer` in {@link served} (the routes call it). */
  noteServed(answer: ServedAnswer): void {
    if (this.options.recordRequests !== false) this.served.push(answer);
  }

  /** Makes every Copilot token issued so far invalid (the API then answers 401). */
  revokeCopilotTokens(): void {
    this.copilotTokens.clear();
  }

  /**
   * Destroys, without a word, every socket not serving a request right now (the idle
   * keep-alive ones): a server closing idle connections under its clients' feet.
   * Returns how many it destroyed.
   */
  dropIdleSockets(): number {
    return this.sockets.destroyIdle();
  }

  /** Resolves when a request to `path` has been aborted by its client. */
  waitForAbort(path: string, timeoutMs = 5000): Promise<RecordedRequest> {
    const found = this.requests.find(
      (r) => r.url.startsWith(path) && r.aborted,
    );
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no abort of ${path} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const listener = (request: RecordedRequest) => {
        if (!request.url.startsWith(path)) return;
        clearTimeout(timer);
        this.off('aborted', listener);
        resolve(request);
      };
      this.on('aborted', listener);
    });
  }

  /** Records the request, reads its body to the end, then routes it. */
  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.sockets.begin(req, res);
    const chunks: Buffer[] = [];
    const record: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      rawHeaders: req.rawHeaders,
      headers: req.headers,
      body: Buffer.alloc(0),
      aborted: false,
    };
    if (this.options.recordRequests !== false) this.requests.push(record);
    res.once('close', () => {
      if (!res.writableFinished) {
        record.aborted = true;
        this.emit('aborted', record);
      }
    });
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => {
      record.body = Buffer.concat(chunks);
      this.emit('request', record);
      const url = new URL(record.url, 'http://fake');
      const gate = this.gates.find((g) => url.pathname.startsWith(g.prefix));
      if (gate)
        void gate.opened.then(() => this.route({ req, res, record, url }));
      else this.route({ req, res, record, url });
    });
  }

  /**
   * GitHub's routes need no Copilot token; the Copilot API and `/_test/*` do, and
   * are answered by a {@link script} entry when one matches.
   */
  private route(ex: Exchange): void {
    if (this.github.handle(ex)) return;
    if (ex.url.pathname === '/models' && ex.req.method === 'GET')
      this.modelsRequests++;
    if (!this.copilot.admit(ex)) return;
    if (this.strict?.refuse(ex)) return;
    const scripted = this.scripts.take(ex.url.pathname);
    if (scripted) {
      this.noteServed({
        path: ex.url.pathname,
        model: jsonBody(ex.record.body)?.model,
        status: scripted.status ?? 200,
        stream: scripted.chunks !== undefined,
        scripted: true,
        request: ex.record,
      });
      return this.scripts.write(ex.res, scripted);
    }
    if (ex.url.pathname.startsWith('/_test/')) return this.faults.handle(ex);
    if (this.strict?.answer(ex)) return;
    this.copilot.handle(ex);
  }
}
