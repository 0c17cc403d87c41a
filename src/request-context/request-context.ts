import type { IncomingMessage } from 'node:http';
import type { RequestTrace } from '../tracing/request-trace';
import type { CopilotTokenProvider } from '../copilot/token/copilot-token.provider';
import type { CallerSignal } from '../copilot/upstream-transport';
import {
  ModelEndpoint,
  modelEndpoint,
  type RequestTarget,
} from './request-target';

/**
 * Everything the proxy knows about one request, from the moment the server
 * receives it to the log line written when it closes. Created by
 * `ServerListeners` ahead of Express; every stage reads and adds to this one object.
 */
export class RequestContext implements CallerSignal {
  readonly startedAt = performance.now();
  /** The name of the matched client key (never the key). */
  keyName: string | undefined;
  /** The tokens of the key's own Copilot seat (SPEC §14); undefined: the proxy's login. */
  seatTokens: CopilotTokenProvider | undefined;
  /** The key's own seat's GitHub login, when it has one. */
  seatLogin: string | undefined;
  /** The `model` of an inspected body. */
  model: string | undefined;
  /**
   * Whose turn an inspected model request was (`client` when the client set
   * `X-Initiator` itself, `none` when the body could not be read).
   */
  initiator: 'user' | 'agent' | 'client' | 'none' | undefined;
  /** The `X-Initiator` value sent upstream (the client's or inferred), if any. */
  initiatorHeader: string | undefined;
  /** The Copilot account that answered (`CopilotCredentials.account`). */
  account: string | undefined;
  /** Prompt and completion tokens the answer reported (or the estimate). */
  tokens: number | undefined;
  /** The request body's length, when known (the usage estimate of a cut stream). */
  requestBytes: number | undefined;
  /** The output limit the body asks for (`max_tokens`, `max_output_tokens`, …). */
  maxOutputTokens: number | undefined;
  /** The usage counted is an estimate: the stream was cut before its usage. */
  usageEstimated: boolean | undefined;
  /** What a cache made of the request (`hit`, `miss`, `stale`, `bypass`). */
  cache: 'hit' | 'miss' | 'stale' | 'bypass' | undefined;
  /** The answer is an event stream. */
  stream: boolean | undefined;
  /** Milliseconds from the request's arrival to the upstream's response headers. */
  upstreamMs: number | undefined;
  /** Milliseconds from the request's arrival to the first body byte sent on. */
  firstByteMs: number | undefined;
  /** The start of an upstream 4xx/5xx body (printable, secrets masked). */
  upstreamError: string | undefined;
  upstreamStatus: number | undefined;
  /** Response body bytes relayed from the upstream. */
  bytes: number | undefined;
  /** How the request ended, when not plainly: an error code or a pipe outcome. */
  outcome: string | undefined;
  /** Why a request failed, in words safe to log (no tokens, no bodies). */
  detail: string | undefined;
  /** Why the initiator is what it is (`conversation`, `client`, `subagent`, …). */
  initiatorReason: string | undefined;
  /** The bridge's direction (`messages->chat`), when the request was translated. */
  bridge: string | undefined;
  /** Fields the translation left out (the `X-Bridge-Ignored` answer header). */
  bridgeIgnored: string[] | undefined;
  /** Compatibility rules applied to this exchange (the `X-Copilot-Adjusted` header). */
  adjustments: string[] | undefined;
  /** The model id the client asked for, when it was resolved to another. */
  modelRequested: string | undefined;
  /** What the answer was counted as (`UsageService`): traces and GenAI metrics. */
  usage: AnswerUsage | undefined;
  /** The request's spans, when tracing is on (`TracingService`). */
  trace: RequestTrace | undefined;
  private abortListeners: Array<() => void> | undefined;
  private endHooks: Array<() => void> | undefined;
  private closedEarly = false;

  /** The model endpoint this request calls, if any (inspected, metered, cached). */
  readonly endpoint: ModelEndpoint | undefined;

  constructor(
    readonly id: string,
    readonly method: string,
    readonly target: RequestTarget,
  ) {
    this.endpoint = modelEndpoint(method, target.upstreamPath);
  }

  get route() {
    return this.target.route;
  }

  /**
   * Aborted when the client goes away before the answer has ended: the context
   * itself, so a request whose client stays costs no `AbortController`.
   */
  get signal(): CallerSignal {
    return this;
  }

  /** The client went away before the answer had ended. */
  get aborted(): boolean {
    return this.closedEarly;
  }

  /** `listener` runs once when the client goes away early (never if it already has). */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.closedEarly) (this.abortListeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const listeners = this.abortListeners;
    if (!listeners) return;
    const at = listeners.indexOf(listener);
    if (at >= 0) listeners.splice(at, 1);
  }

  /** Runs `hook` when the response has closed (memory held for the request). */
  onEnd(hook: () => void): void {
    (this.endHooks ??= []).push(hook);
  }

  /** The response closed: runs the end hooks (`ServerListeners` calls it). */
  ended(): void {
    const hooks = this.endHooks;
    this.endHooks = undefined;
    hooks?.forEach((hook) => hook());
  }

  clientClosed(): void {
    if (this.closedEarly) return;
    this.closedEarly = true;
    const listeners = this.abortListeners;
    this.abortListeners = undefined;
    listeners?.forEach((listener) => listener());
  }
}

/** One answer's usage as it was counted. */
export interface AnswerUsage {
  inputTokens: number;
  /** Prompt tokens read from a cache, when reported. */
  cachedTokens: number;
  outputTokens: number;
  premiumRequests: number;
  /** AI credits (AIU) Copilot reported. */
  credits: number;
  /** The model as metric labels name it: one the account lists, else `other`. */
  modelLabel: string;
  /** The model the answer names, when it does. */
  responseModel: string | undefined;
}

const CONTEXT = Symbol('request-context');

type WithContext = IncomingMessage & { [CONTEXT]?: RequestContext };

export function bindRequestContext(
  req: IncomingMessage,
  context: RequestContext,
): void {
  (req as WithContext)[CONTEXT] = context;
}

/** The request's context; every request the server accepted has one. */
export function requestContext(req: IncomingMessage): RequestContext {
  const context = (req as WithContext)[CONTEXT];
  if (!context) throw new Error('request context missing: no ServerListeners');
  return context;
}
