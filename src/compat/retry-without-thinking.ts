import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { ruleOn } from '../config/compat.config';
import type { Settings } from '../config/settings';
import type { UpstreamRequest } from '../copilot/copilot-client';
import type { UpstreamResponse } from '../copilot/upstream-transport';
import { setHeader } from '../http/header-policy';
import type { RequestContext } from '../request-context/request-context';
import { CompatStage } from './compat.stage';
import { JsonEdits } from './json-edits';

/** The rule's id (`COMPAT_RULES=-m10r`) and name. */
export const THINKING_RETRY = { id: 'm10r', name: 'thinking-replay' } as const;

/** An error body longer than this is not Copilot's short refusal: passed on as it is. */
const MAX_ERROR_BYTES = 64 * 1024;

/** Copilot's words for a thinking block it cannot verify (catalogue M10, C8). */
const UNVERIFIABLE =
  /Invalid signature in thinking block|Invalid `data` in `redacted_thinking` block|each thinking block must contain thinking/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * M10: Copilot refuses a `/v1/messages` history whose thinking block it cannot
 * verify (`400 … messages.1.content.0: Invalid signature in thinking block`,
 * caozhiyuan #63). Copilot balances Claude across Bedrock, Vertex and
 * Anthropic per request (G15), so a signature one backend issued can be
 * refused by the next, and a tool loop would stop on a 400. Such a refusal is
 * answered by sending the request once more without the history's thinking
 * blocks (and without `thinking` when the last assistant turn lost its own,
 * which Anthropic requires to lead that turn), named `thinking-replay`. Any
 * other answer goes to the client as it came. Peers: catalogue §12 ("retry
 * once without them on a signature error"), puxu `thinking-immutability.ts`.
 */
@Injectable()
export class ThinkingRetry {
  private readonly on: boolean;

  constructor(
    config: ConfigService<Settings, true>,
    private readonly compat: CompatStage,
  ) {
    this.on = ruleOn(config.get('compat', { infer: true }), THINKING_RETRY.id);
  }

  /**
   * The answer to relay: `upstream` itself, or — for a refusal of thinking
   * Copilot could not verify — what `send` gets for the request without it.
   */
  async answer(
    context: RequestContext,
    request: UpstreamRequest,
    upstream: UpstreamResponse,
    send: (request: UpstreamRequest) => Promise<UpstreamResponse>,
  ): Promise<UpstreamResponse> {
    const body = request.body;
    if (
      !this.on ||
      upstream.status !== 400 ||
      !request.path.startsWith('/v1/messages') ||
      request.path.startsWith('/v1/messages/') ||
      !Buffer.isBuffer(body) ||
      !body.includes('thinking')
    )
      return upstream;
    const refusal = await readAll(upstream.body, MAX_ERROR_BYTES);
    const again = refusal.complete
      ? UNVERIFIABLE.test(refusal.bytes.toString('utf8')) &&
        withoutThinking(body)
      : undefined;
    if (!again) return replay(upstream, refusal.bytes, refusal.rest);
    this.compat.note(context, [THINKING_RETRY.name]);
    const headers = { ...request.headers };
    setHeader(headers, 'Content-Length', String(again.length));
    return send({ ...request, headers, body: again });
  }
}

/**
 * The body without its history's thinking blocks; undefined when there are
 * none to take, or taking them would leave an assistant turn empty.
 */
export function withoutThinking(bytes: Buffer): Buffer | undefined {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(body) || !Array.isArray(body.messages)) return undefined;
  const messages = body.messages as unknown[];
  const edits = new JsonEdits();
  let lastAssistant = -1;
  messages.forEach((m, i) => {
    if (isObject(m) && m.role === 'assistant') lastAssistant = i;
  });
  let lastLostItsOwn = false;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (!isObject(message) || message.role !== 'assistant') continue;
    if (!Array.isArray(message.content)) continue;
    const blocks = message.content as unknown[];
    const thinking = blocks
      .map((block, j) => (isThinking(block) ? j : -1))
      .filter((j) => j !== -1);
    if (thinking.length === 0) continue;
    if (thinking.length === blocks.length) return undefined;
    for (const j of thinking) edits.remove(['messages', i, 'content', j]);
    if (i === lastAssistant) lastLostItsOwn = true;
  }
  if (edits.size === 0) return undefined;
  if (lastLostItsOwn && body.thinking !== undefined) edits.remove(['thinking']);
  return edits.apply(bytes);
}

function isThinking(block: unknown): boolean {
  return (
    isObject(block) &&
    (block.type === 'thinking' || block.type === 'redacted_thinking')
  );
}

/**
 * The body's bytes, up to a little past `max`: `complete` when it ended there,
 * else the body is left paused, the rest unread.
 */
function readAll(
  body: IncomingMessage,
  max: number,
): Promise<{ bytes: Buffer; complete: boolean; rest?: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      body.removeListener('data', onData);
      body.removeListener('end', onEnd);
      body.removeListener('error', onError);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= max) return;
      body.pause();
      done();
      resolve({ bytes: Buffer.concat(chunks), complete: false, rest: body });
    };
    const onEnd = () => {
      done();
      resolve({ bytes: Buffer.concat(chunks), complete: true });
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
  });
}

/**
 * The refusal as the relay expects an upstream answer: the bytes already read,
 * then whatever is left of the upstream's body; complete once that has ended.
 */
function replay(
  upstream: UpstreamResponse,
  read: Buffer,
  rest: IncomingMessage | undefined,
): UpstreamResponse {
  const body = new PassThrough() as PassThrough & { complete: boolean };
  body.complete = rest === undefined;
  if (!rest) body.end(read);
  else {
    body.write(read);
    rest.once('end', () => (body.complete = true));
    rest.once('error', (error) => body.destroy(error));
    body.once('close', () => rest.destroy());
    rest.pipe(body);
  }
  return { ...upstream, body: body as unknown as IncomingMessage };
}
