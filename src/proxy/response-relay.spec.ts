import type { ServerResponse } from 'node:http';
import type { ClientKeyRegistry } from '../auth/client-key.registry';
import type { AnswerTranslation } from '../bridge/answer-translation';
import type { UpstreamResponse } from '../copilot/upstream-transport';
import { ProxyError } from '../errors/proxy-error';
import type { PipeOutcome } from '../http/stream-pipe';
import { MetricsService } from '../metrics/metrics.service';
import { RequestContext } from '../request-context/request-context';
import { parseTarget } from '../request-context/request-target';
import { ResponseRelay } from './response-relay';

describe('ResponseRelay: an answer head that cannot be written', () => {
  it('lets the upstream go and still meters the call, then answers a ProxyError', () => {
    const relay = new ResponseRelay(
      new MetricsService(),
      { named: () => undefined } as unknown as ClientKeyRegistry,
      { get: () => ({ upstreamIdleTimeoutMs: 1000 }) } as never,
      // No answer rule applies to a success: the translation is used as prepared.
      {
        plan: (_c: unknown, _u: unknown, _r: unknown, translated: unknown) => ({
          translated,
        }),
      } as never,
    );
    const destroy = jest.fn();
    const upstream = {
      status: 200,
      statusMessage: 'OK',
      rawHeaders: ['Content-Type', 'text/event-stream'],
      body: { destroy },
    } as unknown as UpstreamResponse;
    const translation = {
      prepare: () => {
        throw new TypeError('Invalid character in header content');
      },
    } as unknown as AnswerTranslation;
    const ended: PipeOutcome[] = [];
    const context = new RequestContext(
      'r1',
      'POST',
      parseTarget('/v1/messages'),
    );
    expect(() =>
      relay.relay(
        context,
        upstream,
        {} as ServerResponse,
        { upstream: { chunk: () => undefined, end: (o) => ended.push(o) } },
        translation,
      ),
    ).toThrow(ProxyError);
    expect(destroy).toHaveBeenCalled();
    expect(ended).toEqual(['upstream_reset']);
  });
});
