import type { FakeCopilotApi } from '../fake-copilot-api';
import type { Exchange, FakeTimers, RecordedRequest } from '../fake-http';
import { intervalOf, jsonBody } from '../fake-inference';
import { checkModel } from '../fake-model-check';
import {
  AnswerContext,
  DEFAULT_ANSWERS,
  StrictAnswerSettings,
} from './strict-answer-kit';
import { chatAnswer, embeddingsAnswer } from './strict-chat-answer';
import { CHAT_RULES } from './strict-chat';
import { HEADER_RULES } from './strict-headers';
import { countTokensAnswer, messagesAnswer } from './strict-messages-answer';
import { MESSAGES_RULES } from './strict-messages';
import { ReasoningLedger } from './strict-reasoning';
import {
  anthropicError,
  copilotError,
  Json,
  Refusal,
  TEXT_PLAIN,
} from './strict-refusals';
import { responsesAnswer } from './strict-responses-answer';
import { RESPONSES_RULES } from './strict-responses';
import {
  CHAT,
  COUNT_TOKENS,
  EMBEDDINGS,
  MESSAGES,
  RESPONSES,
  StrictRule,
} from './strict-rule';
import { baseHeaders, writeAnswer } from './strict-wire';

/** Every rule, in the order they are checked (the first refusal wins). */
export const STRICT_RULES: readonly StrictRule[] = [
  ...HEADER_RULES,
  ...MESSAGES_RULES,
  ...CHAT_RULES,
  ...RESPONSES_RULES,
];

/** How a test sets the strict fake up (see `strict-copilot.ts`). */
export interface StrictOptions {
  /** Rule ids to switch off (`['m1', 'c4']`). */
  off?: string[];
  /** Rule ids switched on or off by name; turns on the opt-in (§10) ones (`{m3: true}`). */
  rules?: Record<string, boolean>;
  /** How it answers (defaults: {@link DEFAULT_ANSWERS}). */
  answers?: Partial<StrictAnswerSettings>;
}

/** What the strict fake decided for one inference request. */
export interface StrictVerdict {
  request: RecordedRequest;
  path: string;
  /** The rule that refused it (`m2`, …; `g4`/`g6`/`g7` for the body and model checks, `m12`/`c14` for an overflow); undefined when answered. */
  rule?: string;
  status: number;
}

const FALLBACK: Record<string, string> = {
  [CHAT]: 'gpt-4o',
  [MESSAGES]: 'claude-sonnet-4',
  [COUNT_TOKENS]: 'claude-sonnet-4',
  [RESPONSES]: 'gpt-4.1',
  [EMBEDDINGS]: 'text-embedding-3-small',
};

/** The checks and answers of the strict fake; `FakeCopilotApi.strict` when on. */
export class StrictMode {
  readonly ledger = new ReasoningLedger();
  readonly verdicts: StrictVerdict[] = [];
  readonly answers: StrictAnswerSettings;
  private readonly switched = new Map<string, boolean>();
  private readonly admitted = new WeakMap<
    RecordedRequest,
    { body: Json; model: string }
  >();

  constructor(
    private readonly fake: FakeCopilotApi,
    private readonly timers: FakeTimers,
    options: StrictOptions,
  ) {
    this.answers = { ...DEFAULT_ANSWERS, ...options.answers };
    for (const id of options.off ?? []) this.set(id, false);
    for (const [id, on] of Object.entries(options.rules ?? {}))
      this.set(id, on);
  }

  /** Switches rules on (opt-in ones included). */
  on(...ids: string[]): void {
    for (const id of ids) this.set(id, true);
  }

  /** Switches rules off. */
  off(...ids: string[]): void {
    for (const id of ids) this.set(id, false);
  }

  enabled(id: string): boolean {
    const rule = STRICT_RULES.find((r) => r.id === id);
    return this.switched.get(id) ?? !rule?.optIn;
  }

  /** The verdicts of requests refused by `rule`. */
  refusedBy(rule: string): StrictVerdict[] {
    return this.verdicts.filter((v) => v.rule === rule);
  }

  /** Refuses what Copilot refuses; true when it has answered. Runs once the token is admitted. */
  refuse(ex: Exchange): boolean {
    const path = ex.url.pathname;
    if (path.startsWith('/_test/')) return false;
    if (this.answers.connectionClose) ex.res.setHeader('connection', 'close');
    // Header rules that need no body (g5) come first, on every path.
    const gate = this.firstRefusal(
      { path, headers: ex.req.headers, body: {}, model: '' },
      ['g5'],
    );
    if (gate) return this.send(ex, path, undefined, gate[0], gate[1]);
    if (ex.req.method !== 'POST' || !(path in FALLBACK)) return false;
    const body = jsonBody(ex.record.body);
    if (!body)
      return this.send(
        ex,
        path,
        undefined,
        'g4',
        copilotError('failed to parse request', ''),
      );
    const request = this.fake.requests.indexOf(ex.record);
    this.ledger.collect(path, body, request);
    let model = typeof body.model === 'string' ? body.model : FALLBACK[path];
    if (path !== EMBEDDINGS) {
      const check = checkModel(
        this.fake.models,
        path === COUNT_TOKENS ? MESSAGES : path,
        body.model,
        FALLBACK[path],
      );
      if (!check.ok) {
        const rule = check.body.includes('model_not_supported') ? 'g6' : 'g7';
        return this.send(ex, path, body.model, rule, {
          status: check.status,
          body: check.body,
          contentType: TEXT_PLAIN,
        });
      }
      model = check.model;
    }
    const refusal = this.firstRefusal({
      path,
      headers: ex.req.headers,
      body,
      model,
    });
    if (refusal) return this.send(ex, path, model, refusal[0], refusal[1]);
    const overflow = this.overflow(ex, path, model);
    if (overflow) return this.send(ex, path, model, overflow[0], overflow[1]);
    this.admitted.set(ex.record, { body, model });
    return false;
  }

  /** Answers an admitted inference request the way Copilot does; false for any other path. */
  answer(ex: Exchange): boolean {
    const admitted = this.admitted.get(ex.record);
    if (!admitted) return false;
    const path = ex.url.pathname;
    const { body, model } = admitted;
    const stream = body.stream === true;
    this.fake.noteServed({
      path,
      model,
      status: 200,
      stream,
      scripted: false,
      request: ex.record,
    });
    this.verdicts.push({ request: ex.record, path, status: 200 });
    const request = this.fake.requests.indexOf(ex.record);
    const ctx: AnswerContext = {
      ex,
      body,
      model,
      settings: this.answers,
      ledger: this.ledger,
      marked: (marker) => ex.record.body.includes(marker),
      issue: (kind, value, text) =>
        this.ledger.issue({ kind, value, text, path, request }),
      json: (answer) =>
        writeAnswer(
          this.timers,
          this.fake.quotaSnapshot,
          ex.res,
          'application/json',
          [() => JSON.stringify(answer)],
          undefined,
        ),
      stream: (parts) =>
        writeAnswer(
          this.timers,
          this.fake.quotaSnapshot,
          ex.res,
          'text/event-stream',
          parts,
          intervalOf(ex),
        ),
    };
    if (path === CHAT) chatAnswer(ctx);
    else if (path === MESSAGES) messagesAnswer(ctx);
    else if (path === COUNT_TOKENS) countTokensAnswer(ctx);
    else if (path === RESPONSES) responsesAnswer(ctx);
    else embeddingsAnswer(ctx);
    return true;
  }

  private set(id: string, on: boolean): void {
    if (!STRICT_RULES.some((r) => r.id === id))
      throw new Error(`the strict fake has no rule ${id}`);
    this.switched.set(id, on);
  }

  private firstRefusal(
    request: Parameters<StrictRule['check']>[0],
    only?: string[],
  ): [string, Refusal] | undefined {
    for (const rule of STRICT_RULES) {
      if (only && !only.includes(rule.id)) continue;
      if (!only && !rule.paths.includes(request.path)) continue;
      if (!this.enabled(rule.id)) continue;
      const refusal = rule.check(request, this.ledger);
      if (refusal) return [rule.id, refusal];
    }
    return undefined;
  }

  /** M12 on `/v1/messages`, C14 on chat and responses, when asked for. */
  private overflow(
    ex: Exchange,
    path: string,
    model: string,
  ): [string, Refusal] | undefined {
    if (path !== MESSAGES && path !== CHAT && path !== RESPONSES)
      return undefined;
    if (!this.answers.overflow && !ex.record.body.includes('STRICT_OVERFLOW'))
      return undefined;
    const entry = this.fake.models.find((m) => m.id === model);
    const limits = (
      entry?.capabilities as
        { limits?: { max_prompt_tokens?: number } } | undefined
    )?.limits;
    const limit = limits?.max_prompt_tokens ?? 128000;
    const count = limit + 4321;
    if (path === MESSAGES)
      return [
        'm12',
        anthropicError(
          `Request body is too large for model context window: prompt has ${count} tokens, the limit is ${limit}.`,
        ),
      ];
    return [
      'c14',
      copilotError(
        `prompt token count of ${count} exceeds the limit of ${limit}`,
        'model_max_prompt_tokens_exceeded',
      ),
    ];
  }

  /** A refusal: Copilot's headers, no quota snapshots (G10), noted in `served` and {@link verdicts}. */
  private send(
    ex: Exchange,
    path: string,
    model: unknown,
    rule: string,
    refusal: Refusal,
  ): true {
    const stream = jsonBody(ex.record.body)?.stream === true;
    if (path in FALLBACK)
      this.fake.noteServed({
        path,
        model,
        status: refusal.status,
        stream,
        scripted: false,
        request: ex.record,
      });
    this.verdicts.push({
      request: ex.record,
      path,
      rule,
      status: refusal.status,
    });
    ex.res.writeHead(refusal.status, {
      ...baseHeaders(),
      'content-type': refusal.contentType,
      'content-length': Buffer.byteLength(refusal.body),
    });
    ex.res.end(refusal.body);
    return true;
  }
}
