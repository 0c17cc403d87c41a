import type { ConfigService } from '@nestjs/config';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { readCompatConfig } from '../../config/compat.config';
import { EnvReader } from '../../config/env-reader';
import type { Settings } from '../../config/settings';
import type { UpstreamResponse } from '../../copilot/upstream-transport';
import type { ModelCatalog } from '../../models/model-catalog.service';
import { RequestContext } from '../../request-context/request-context';
import { parseTarget } from '../../request-context/request-target';
import type { CompatStage } from '../compat.stage';
import { THINKING_DISPLAY } from '../rules/promote-thinking-display';
import { ANSWER_RULE_IDS } from '../../config/compat.config';
import { AnswerStage, ERROR_RULES, STREAM_RULES } from './answer.stage';
import { EventStreamTransform } from './event-stream';
import { THINKING_RETRY } from '../retry-without-thinking';

const SSE = ['Content-Type', 'text/event-stream'];
const TEXT = ['Content-Type', 'text/plain; charset=utf-8'];

function stage(env: Record<string, string> = {}) {
  const compat = readCompatConfig(new EnvReader(env));
  const config = { get: () => compat } as unknown as ConfigService<
    Settings,
    true
  >;
  const noted: string[] = [];
  const stageOf = {
    note: (_: RequestContext, names: string[]) => noted.push(...names),
  } as unknown as CompatStage;
  const catalog = { entry: () => undefined } as unknown as ModelCatalog;
  return { answers: new AnswerStage(config, stageOf, catalog), noted };
}

function context(path: string, bridge?: string): RequestContext {
  const ctx = new RequestContext('r1', 'POST', parseTarget(path));
  ctx.bridge = bridge;
  return ctx;
}

const upstream = (status: number, rawHeaders: string[]) =>
  ({
    status,
    statusMessage: '',
    rawHeaders,
    body: Readable.from([]),
    account: 'a',
  }) as unknown as UpstreamResponse;

const res = {} as ServerResponse;

describe('AnswerStage', () => {
  it('lists each answer rule id for COMPAT_RULES', () => {
    expect(
      [...Object.values(STREAM_RULES), ...ERROR_RULES, THINKING_RETRY]
        .map((r) => r.id)
        .sort(),
    ).toEqual([...ANSWER_RULE_IDS].sort());
  });

  it('gives a native chat stream, and a JSON answer, no transform at all', () => {
    const { answers } = stage();
    expect(
      answers.plan(
        context('/v1/chat/completions'),
        upstream(200, SSE),
        res,
        undefined,
      ),
    ).toEqual({});
    expect(
      answers.plan(
        context('/v1/responses'),
        upstream(200, ['Content-Type', 'application/json']),
        res,
        undefined,
      ),
    ).toEqual({});
  });

  it('filters a native Responses stream unless r9 is off', () => {
    expect(
      stage().answers.plan(
        context('/v1/responses'),
        upstream(200, SSE),
        res,
        undefined,
      ).transform,
    ).toBeInstanceOf(EventStreamTransform);
    expect(
      stage({ COMPAT_RULES: '-r9' }).answers.plan(
        context('/v1/responses'),
        upstream(200, SSE),
        res,
        undefined,
      ),
    ).toEqual({});
    expect(
      stage({ COMPAT: 'off' }).answers.plan(
        context('/v1/responses'),
        upstream(200, SSE),
        res,
        undefined,
      ),
    ).toEqual({});
  });

  it('filters a native messages stream (m13), and leaves a translated one to the bridge', () => {
    const { answers } = stage();
    expect(
      answers.plan(context('/v1/messages'), upstream(200, SSE), res, undefined)
        .transform,
    ).toBeDefined();
    expect(
      stage({ COMPAT_RULES: '-m13' }).answers.plan(
        context('/v1/messages'),
        upstream(200, SSE),
        res,
        undefined,
      ),
    ).toEqual({});
    expect(
      answers.plan(
        context('/v1/messages', 'messages->chat'),
        upstream(200, SSE),
        res,
        undefined,
      ),
    ).toEqual({});
  });

  it('hides thinking text only where the request rule promoted the display', () => {
    const { answers } = stage({ COMPAT_RULES: '-m13' });
    const promoted = context('/v1/messages');
    promoted.adjustments = [THINKING_DISPLAY];
    expect(
      answers.plan(promoted, upstream(200, SSE), res, undefined).transform,
    ).toBeDefined();
  });

  it('holds an error answer of a model route, and no other', () => {
    const { answers } = stage();
    expect(
      answers.plan(context('/v1/messages'), upstream(400, TEXT), res, undefined)
        .translated,
    ).toBeDefined();
    expect(
      answers.plan(
        context('/v1/embeddings'),
        upstream(400, TEXT),
        res,
        undefined,
      ),
    ).toEqual({});
    expect(
      stage({ COMPAT_RULES: '-m12,-g6,-g4,-g3' }).answers.plan(
        context('/v1/messages'),
        upstream(400, TEXT),
        res,
        undefined,
      ),
    ).toEqual({});
  });
});
