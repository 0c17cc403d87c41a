import { ChatRoute } from './fake-chat-route';
import type { FakeCopilotApi } from './fake-copilot-api';
import { Exchange, FakeTimers, json, send } from './fake-http';
import { Inference, jsonBody } from './fake-inference';
import { MessagesRoute } from './fake-messages-route';
import { ResponsesRoute } from './fake-responses-route';

/** The body of Copilot's 466 to a client it considers too old. */
export const TOO_OLD = {
  error: {
    message:
      'bad request: the specified API version is no longer supported. You may need to update your client to a newer version.\n',
    type: 'error',
  },
};

/** The numbers of an `Editor-Version` (`vscode/1.110.0` → [1, 110, 0]). */
function versionOf(editorVersion: string): number[] {
  const version = editorVersion.slice(editorVersion.lastIndexOf('/') + 1);
  return version.split('.').map((part) => parseInt(part, 10));
}

/** `editorVersion` is older than `min` (by their numbers; unreadable is older). */
export function olderThan(editorVersion: string, min: string): boolean {
  const have = versionOf(editorVersion);
  const need = versionOf(min);
  for (let i = 0; i < need.length; i++) {
    const a = have[i] ?? 0;
    if (Number.isNaN(a)) return true;
    if (a !== need[i]) return a < need[i];
  }
  return false;
}

/**
 * The Copilot API's own routes, as it answers them on the wire. No `/v1` prefix except
 * for Anthropic messages. Every request must carry `Authorization: Bearer <copilot
 * token>` (else `401 unauthorized: token expired`, text/plain), `Editor-Version`
 * (else `400 bad request: missing Editor-Version header for IDE auth`, text/plain),
 * and, when {@link FakeCopilotApi.minEditorVersion} is set, one at least that recent
 * (else 466 {@link TOO_OLD}, JSON).
 *
 * Every answer of an inference route (chat completions, messages, responses,
 * embeddings; streamed or not) carries `x-quota-snapshot-premium_interactions:
 * <value>` when {@link FakeCopilotApi.quotaSnapshot} is set, and `copilot_usage`
 * `{total_nano_aiu: 1234000, token_details: []}` next to `usage` when
 * {@link FakeCopilotApi.copilotUsage} is on; each is noted in
 * {@link FakeCopilotApi.served}. Chat completions, messages and responses check the
 * body's `model` against {@link FakeCopilotApi.models} (`fake-model-check.ts`).
 */
export class CopilotRoutes {
  private readonly inference: Inference;
  private readonly chat: ChatRoute;
  private readonly messages: MessagesRoute;
  private readonly responses: ResponsesRoute;

  constructor(
    private readonly fake: FakeCopilotApi,
    private readonly timers: FakeTimers,
  ) {
    this.inference = new Inference(fake, timers);
    this.chat = new ChatRoute(this.inference);
    this.messages = new MessagesRoute(this.inference);
    this.responses = new ResponsesRoute(this.inference);
  }

  /** Answers a request to the Copilot API, `/_test/*` aside. */
  handle(ex: Exchange): void {
    const { req, res, url } = ex;
    const path = url.pathname;
    if (path === '/models' && req.method === 'GET') return this.models(ex);
    if (req.method === 'POST') {
      if (path === '/chat/completions') return this.chat.handle(ex);
      if (path === '/embeddings') return this.embeddings(ex);
      if (path === '/responses') return this.responses.handle(ex);
      if (path === '/v1/messages') return this.messages.handle(ex);
    }
    return json(res, 404, {
      error: { message: `no route ${path}`, type: 'not_found' },
    });
  }

  /**
   * Refuses what the real API refuses before routing: an unknown Copilot token, a
   * missing or (with {@link FakeCopilotApi.minEditorVersion}) too old
   * `Editor-Version`. Returns false when it has answered.
   */
  admit({ req, res }: Exchange): boolean {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!this.fake.copilotTokens.has(token)) {
      send(res, 401, 'unauthorized: token expired', 'text/plain');
      return false;
    }
    const editorVersion = req.headers['editor-version'];
    if (!editorVersion) {
      send(
        res,
        400,
        'bad request: missing Editor-Version header for IDE auth',
        'text/plain',
      );
      return false;
    }
    const min = this.fake.minEditorVersion;
    if (min !== undefined && olderThan(String(editorVersion), min)) {
      json(res, 466, TOO_OLD);
      return false;
    }
    return true;
  }

  /**
   * `GET /models` → `{object: "list", data: <FakeCopilotApi.models>}` (`fake-models.ts`).
   * Counted in {@link FakeCopilotApi.modelsRequests} (by the fake, before the token
   * check). Answers after {@link FakeCopilotApi.modelsDelayMs}; when
   * {@link FakeCopilotApi.modelsFailure} is set, answers that status instead with
   * `{"error":{"message":"fake models failure <status>","code":"fake_models_failure"}}`,
   * plus `retry-after: 5` for a 429.
   */
  private models({ res }: Exchange): void {
    const answer = (): void => {
      if (res.destroyed) return;
      const failure = this.fake.modelsFailure;
      if (!failure)
        return json(res, 200, { object: 'list', data: this.fake.models });
      const { status } = failure;
      json(
        res,
        status,
        {
          error: {
            message: `fake models failure ${status}`,
            code: 'fake_models_failure',
          },
        },
        status === 429 ? { 'retry-after': '5' } : {},
      );
    };
    const delay = this.fake.modelsDelayMs;
    if (delay > 0) this.timers.later(delay, answer);
    else answer();
  }

  /**
   * `POST /embeddings` `{input: string | string[], model}` → `{object: "list",
   * data: [{object: "embedding", index, embedding: […]}], model, usage:
   * {prompt_tokens, total_tokens}, copilot_usage?}` (one token per input). The model
   * is not checked; a body that is not JSON counts as `{}`.
   */
  private embeddings(ex: Exchange): void {
    const body = jsonBody(ex.record.body) ?? {};
    const inputs: unknown[] = Array.isArray(body.input)
      ? body.input
      : [body.input ?? ''];
    const model = body.model ?? 'text-embedding-3-small';
    this.inference.served(ex, model, 200, false);
    json(
      ex.res,
      200,
      {
        object: 'list',
        data: inputs.map((_, index) => ({
          object: 'embedding',
          index,
          embedding: [0.1, 0.2, 0.3],
        })),
        model,
        usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
        ...this.inference.copilotUsage(),
      },
      this.inference.quotaHeaders(),
    );
  }
}
