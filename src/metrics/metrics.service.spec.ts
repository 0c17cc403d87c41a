import { RequestContext } from '../request-context/request-context';
import { parseTarget } from '../request-context/request-target';
import { MetricsService } from './metrics.service';

const line = (text: string, series: string) =>
  text.split('\n').find((l) => l.startsWith(series));

describe('MetricsService (bound children)', () => {
  it('counts per-request series under their labels, one series per label set', async () => {
    const metrics = new MetricsService();
    const chat = new RequestContext(
      'r1',
      'POST',
      parseTarget('/chat/completions'),
    );
    const odd = new RequestContext('r2', 'BREW', parseTarget('/models'));
    metrics.observeRequest(chat, 200);
    metrics.observeRequest(chat, 200);
    metrics.observeRequest(chat, 429);
    metrics.observeRequest(odd, 200);
    metrics.countStreamedBytes('chat', 10);
    metrics.countStreamedBytes('chat', 5);
    metrics.countInitiator('agent', 'conversation');
    metrics.upstreamHeadersTimer('chat')();
    const text = await metrics.scrape(false);
    expect(
      line(
        text,
        'copilot_proxy_requests_total{method="POST",route="chat",status="200"}',
      ),
    ).toMatch(/ 2$/);
    expect(
      line(
        text,
        'copilot_proxy_requests_total{method="POST",route="chat",status="429"}',
      ),
    ).toMatch(/ 1$/);
    expect(
      line(
        text,
        'copilot_proxy_requests_total{method="OTHER",route="models",status="200"}',
      ),
    ).toMatch(/ 1$/);
    expect(text).toMatch(/copilot_proxy_\w*bytes\w*\{route="chat"\} 15\n/);
    expect(text).toMatch(/\{initiator="agent",reason="conversation"\} 1\n/);
    expect(text).toMatch(
      /copilot_proxy_upstream_headers_seconds_count\{route="chat"\} 1\n/,
    );
  });

  it('counts usage by key, model and kind on the per-key registry', async () => {
    const metrics = new MetricsService();
    const usage = {
      premiumRequests: 1,
      promptTokens: 100,
      cachedTokens: 0,
      completionTokens: 7,
      nanoAiu: 2e9,
    };
    metrics.countUsage('team', 'gpt-4o', usage);
    metrics.countUsage('team', 'gpt-4o', usage);
    const text = await metrics.scrape(true);
    expect(text).toMatch(/\{key="team",model="gpt-4o",kind="prompt"\} 200\n/);
    expect(text).toMatch(
      /\{key="team",model="gpt-4o",kind="completion"\} 14\n/,
    );
    expect(text).not.toMatch(/kind="cached"/);
    expect(text).toMatch(/credits_total\{key="team",model="gpt-4o"\} 4\n/);
    expect(text).toMatch(/premium\w*\{key="team",model="gpt-4o"\} 2\n/);
  });
});
