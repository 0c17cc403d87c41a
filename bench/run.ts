/**
 * `npm run bench`: the proxy against a bare node:http proxy (the floor), both in
 * front of the same fake Copilot API, measured in one run and reported as ratios.
 * Loopback only; a few minutes on a 2-core machine. For a quick run:
 * `BENCH_SECONDS=2 BENCH_STREAMS=100 BENCH_CPU_REQUESTS=2000`.
 */
import { join } from 'node:path';
import { freePort } from '../test/support/redis-server';
import { LaunchedNode, launchNode } from '../test/support/spawn-app';
import { agentRequestBody } from './agent-request';
import { countTokensStalls, translatedImagesRss } from './hardening';
import {
  bridgedStreams,
  churningResponsesStreams,
  get,
  getModels,
  labelOf,
  postChat,
  postOnce,
  SMALL_CHAT,
  streams,
  Target,
  testSseStreams,
} from './load';
import { CLOCK_TICKS_PER_SECOND, cpuTicks, rssKiB } from './proc-stats';
import { renderTable, Results, RunSettings, writeResults } from './report';

const ROOT = join(__dirname, '..');
const TOKEN = 'bench-copilot-token';
const TS_NODE = ['-r', 'ts-node/register/transpile-only'];

/** Every child process started, all killed when the run ends, however it ends. */
const children: LaunchedNode[] = [];

/** `node <args>` from the repository root, its output copied to stderr. */
async function launchChild(
  args: string[],
  env: Record<string, string>,
  options: { waitForListen?: boolean; label?: string } = {},
): Promise<LaunchedNode> {
  const child = await launchNode(
    args,
    { ...process.env, ...env },
    { cwd: ROOT, echo: true, label: args.at(-1), ...options },
  );
  children.push(child);
  return child;
}

/** Measures of one scenario, for either side or both. */
type Measures = { [side in keyof Results]?: Record<string, number> };

/**
 * Spawns the proxy from `dist/main.js` in front of `upstream`, with `env` on top of
 * the default configuration, and waits for its first `/readyz` 200 (LOG_LEVEL=warn
 * hides the "listening" line, so the port is picked here and readiness polled).
 */
async function launchProxy(
  upstream: string,
  label: string,
  env: Record<string, string> = {},
): Promise<{ launched: LaunchedNode; url: string; startToReadyMs: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spawnedAt = performance.now();
  const launched = await launchChild(
    ['dist/main.js'],
    {
      COPILOT_TOKEN: TOKEN,
      COPILOT_API_BASE_URL: upstream,
      LOG_LEVEL: 'warn',
      PROXY_PORT: String(port),
      NODE_ENV: 'production',
      ...env,
    },
    { waitForListen: false, label },
  );
  let exited = false;
  void launched.exited.then(() => (exited = true));
  while ((await get(`${url}/readyz`)) !== 200) {
    if (exited || performance.now() - spawnedAt > 15_000)
      throw new Error(
        `${label} never became ready:\n${launched.stdout()}\n${launched.stderr()}`,
      );
    await new Promise((r) => setTimeout(r, 5));
  }
  return { launched, url, startToReadyMs: performance.now() - spawnedAt };
}

/**
 * Spawns the default proxy and times it from spawn to its first `/readyz` 200; then
 * reads its idle RSS.
 */
async function startToReady(
  upstream: string,
): Promise<{ proxy: Target; measures: Measures }> {
  const { launched, url, startToReadyMs } = await launchProxy(
    upstream,
    'proxy',
  );
  const proxy: Target = { name: 'proxy', url, proc: launched.proc };
  const rssIdleKiB = rssKiB(launched.proc.pid!);
  log(
    `start to ready: ${startToReadyMs.toFixed(0)} ms; idle RSS ${rssIdleKiB} KiB`,
  );
  return { proxy, measures: { proxy: { startToReadyMs, rssIdleKiB } } };
}

/**
 * Another proxy process, started as the default one with `env` on top; its measures
 * go to the proxy side under their own keys, and `headers` go on its requests.
 */
async function startVariant(
  upstream: string,
  label: string,
  env: Record<string, string>,
  headers?: Record<string, string>,
): Promise<Target> {
  const { launched, url, startToReadyMs } = await launchProxy(
    upstream,
    label,
    env,
  );
  log(`${label}: start to ready ${startToReadyMs.toFixed(0)} ms`);
  return { name: 'proxy', label, url, proc: launched.proc, headers };
}

/**
 * Small non-streaming chat completions at 32 connections: a warm-up on each side (JIT,
 * keep-alive pools), then two interleaved rounds of `seconds / 2` each, averaged.
 */
async function throughput(
  targets: Target[],
  seconds: number,
): Promise<Measures> {
  for (const t of targets)
    await postChat(t, SMALL_CHAT, { seconds: Math.min(2, seconds) });
  const rounds = new Map<Target, Array<Awaited<ReturnType<typeof postChat>>>>(
    targets.map((t) => [t, []]),
  );
  for (let round = 0; round < 2; round++) {
    for (const t of round % 2 ? [...targets].reverse() : targets) {
      const r = await postChat(t, SMALL_CHAT, { seconds: seconds / 2 });
      rounds.get(t)!.push(r);
      log(`throughput ${t.name} round ${round + 1}: ${r.rps.toFixed(0)} req/s`);
    }
  }
  const measures: Measures = {};
  for (const [t, r] of rounds) {
    measures[t.name] = {
      rps: avg(r.map((x) => x.rps)),
      latencyP50Ms: avg(r.map((x) => x.p50)),
      latencyP99Ms: avg(r.map((x) => x.p99)),
      errors: r.reduce((n, x) => n + x.errors, 0),
    };
  }
  return measures;
}

/**
 * `count` concurrent streams of 20 events 50 ms apart: per-event lag p50/p99, on
 * the metered chat stream, or (`unmetered`) on the fake's `GET /_test/sse`, a path
 * the proxy neither inspects nor meters: the metered lag minus the unmetered one
 * (each against the floor's on the same path) is what metering costs per event.
 */
async function sseLag(
  targets: Target[],
  count: number,
  unmetered = false,
): Promise<Measures> {
  const open = unmetered ? testSseStreams : streams;
  const key = unmetered ? 'sseUnmetered' : 'sse';
  const measures: Measures = {};
  for (const t of targets) {
    const s = await open(t, count, 20, 50);
    measures[t.name] = {
      [`${key}LagP50Ms`]: s.lagP50,
      [`${key}LagP99Ms`]: s.lagP99,
      [`${key}Errors`]: s.errors,
    };
    log(
      `sse${unmetered ? ' unmetered' : ''} ${t.name}: lag p50 ${s.lagP50.toFixed(2)} ms p99 ${s.lagP99.toFixed(2)} ms, ${s.errors} errors`,
    );
  }
  return measures;
}

/**
 * `count` streams of 2 s all open at once: time to first byte, and the RSS per open
 * stream against a warm baseline (the RSS right before the streams open, once
 * earlier phases have grown the heap, not the RSS at start).
 */
async function longStreams(
  targets: Target[],
  count: number,
): Promise<Measures> {
  const measures: Measures = {};
  for (const t of targets) {
    const before = rssKiB(t.proc.pid!);
    let holding = NaN;
    const s = await streams(t, count, 20, 100, () => {
      holding = rssKiB(t.proc.pid!);
    });
    measures[t.name] = {
      longTtfbP99Ms: s.ttfbP99,
      longErrors: s.errors,
      rssBeforeStreamsKiB: before,
      rssHoldingStreamsKiB: holding,
      kibPerStream: (holding - before) / count,
    };
    log(
      `long streams ${t.name}: ttfb p99 ${s.ttfbP99.toFixed(1)} ms, ${s.errors} errors`,
    );
  }
  return measures;
}

/** The proxy's RSS after 1k, then 10k, `GET /models` requests (no leak: no growth). */
async function memoryAfterRequests(proxy: Target): Promise<Measures> {
  await getModels(proxy, 1000);
  const rssAfter1kKiB = rssKiB(proxy.proc.pid!);
  await getModels(proxy, 9000);
  const rssAfter10kKiB = rssKiB(proxy.proc.pid!);
  log(`RSS after 1k / 10k requests: ${rssAfter1kKiB} / ${rssAfter10kKiB} KiB`);
  return { proxy: { rssAfter1kKiB, rssAfter10kKiB } };
}

/**
 * CPU time (user + system, `/proc/<pid>/stat`) each side spends per non-streaming
 * chat completion, over `amount` requests at 32 connections after a warm-up: for the
 * small request, and for an agent-shaped ~200 KB conversation ending in tool results.
 * Steadier than req/s on a shared machine; the resolution is one clock tick in all.
 */
async function cpuPerRequest(
  targets: Target[],
  amount: number,
): Promise<Measures> {
  const bodies = {
    cpuUsPerSmallRequest: SMALL_CHAT,
    cpuUsPerAgentRequest: agentRequestBody(200_000),
  };
  log(`agent request: ${bodies.cpuUsPerAgentRequest.length} bytes`);
  const measures: Measures = { proxy: {}, floor: {} };
  let round = 0;
  for (const [key, body] of Object.entries(bodies)) {
    for (const t of round++ % 2 ? [...targets].reverse() : targets) {
      const { us, errors } = await cpuUsPerRequest(t, body, amount, key);
      measures[t.name]![key] = us;
      measures[t.name]![`${key}Errors`] = errors;
    }
  }
  return measures;
}

/**
 * The CPU time `target` spends per `POST /chat/completions` of `body`, over `amount`
 * requests at 32 connections after a warm-up of up to 1000.
 */
async function cpuUsPerRequest(
  target: Target,
  body: string,
  amount: number,
  key: string,
): Promise<{ us: number; errors: number }> {
  await postChat(target, body, { amount: Math.min(1000, amount) });
  const before = cpuTicks(target.proc.pid!);
  const { errors } = await postChat(target, body, { amount });
  const ticks = cpuTicks(target.proc.pid!) - before;
  const us = ((ticks / CLOCK_TICKS_PER_SECOND) * 1e6) / amount;
  log(
    `cpu ${labelOf(target)} ${key}: ${us.toFixed(0)} µs per request (${ticks} ticks, ${errors} errors)`,
  );
  return { us, errors };
}

/**
 * `POST /v1/messages/count_tokens`, which the fake does not serve, so the proxy
 * counts the body itself: the agent-shaped ~200 KB conversation (a normal count)
 * beside adversarial text whose BPE once cost time quadratic in each unbroken run
 * (50 KB of one letter; 10,000 CJK characters without a space). `amount`
 * requests of each, one a second after a warm-up (past 250 ms of counting in a
 * second the proxy estimates instead): the proxy's CPU ms (`/proc/<pid>/stat`)
 * and the client's wall ms per exact count.
 */
async function countTokensCost(
  proxy: Target,
  amount: number,
): Promise<Measures> {
  let seed = 1;
  const cjk = Array.from({ length: 10_000 }, () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return String.fromCharCode(0x4e00 + (seed % 0x5000));
  }).join('');
  const one = (text: string) =>
    JSON.stringify({
      model: 'claude-sonnet-4',
      messages: [{ role: 'user', content: text }],
    });
  const bodies = {
    Agent: agentRequestBody(200_000),
    Letters: one('a'.repeat(50_000)),
    Cjk: one(cjk),
  };
  const measures: Record<string, number> = {};
  for (const [name, body] of Object.entries(bodies)) {
    const count = async () => {
      const answer = await postOnce(proxy, '/v1/messages/count_tokens', body);
      if (
        answer.status !== 200 ||
        answer.headers['x-token-count-estimate'] !== 'o200k_base'
      )
        throw new Error(
          `count_tokens (${name}) answered ${answer.status}, not counted exactly: ${answer.body.slice(0, 300)}`,
        );
    };
    // The proxy counts exactly for at most 250 ms of each second (then it
    // estimates from the size): one count a second measures the exact count.
    const pause = () => new Promise((r) => setTimeout(r, 1_100));
    // The warm-up too gets a second of its own: each count may now take the
    // whole budget of its second (the rest estimated).
    await pause();
    await count();
    let ticks = 0;
    let wall = 0;
    for (let i = 0; i < amount; i++) {
      await pause();
      const before = cpuTicks(proxy.proc.pid!);
      const started = performance.now();
      await count();
      wall += performance.now() - started;
      ticks += cpuTicks(proxy.proc.pid!) - before;
    }
    const wallMs = wall / amount;
    const cpuMs = ((ticks / CLOCK_TICKS_PER_SECOND) * 1e3) / amount;
    measures[`countTokens${name}CpuMs`] = cpuMs;
    measures[`countTokens${name}WallMs`] = wallMs;
    log(
      `count_tokens ${name.toLowerCase()} (${Buffer.byteLength(body)} bytes): ${cpuMs.toFixed(1)} ms CPU, ${wallMs.toFixed(1)} ms wall per count (${ticks} ticks)`,
    );
  }
  return { proxy: measures };
}

/**
 * The bridge's cost: an Anthropic client streaming from a chat-only model (each
 * chat chunk parsed, read and written as Anthropic events) beside the native
 * chat stream of the same fake answer, on the proxy. SSE lag at `count` streams,
 * then CPU per streamed call over `amount` calls, 50 at a time.
 */
async function bridgeCost(
  proxy: Target,
  count: number,
  amount: number,
): Promise<Measures> {
  const paths = {
    Native: (n: number, events: number, interval: number) =>
      streams(proxy, n, events, interval),
    Bridged: (n: number, events: number, interval: number) =>
      bridgedStreams(proxy, n, events, interval),
  };
  const measures: Record<string, number> = {};
  for (const [name, open] of Object.entries(paths)) {
    const lag = await open(count, 20, 50);
    measures[`bridge${name}LagP50Ms`] = lag.lagP50;
    measures[`bridge${name}LagP99Ms`] = lag.lagP99;
    measures[`bridge${name}Errors`] = lag.errors;
    log(
      `sse ${name.toLowerCase()}: lag p50 ${lag.lagP50.toFixed(2)} ms p99 ${lag.lagP99.toFixed(2)} ms, ${lag.errors} errors`,
    );
  }
  const batch = 50;
  for (const [name, open] of Object.entries(paths)) {
    await open(batch, 10, 1);
    const before = cpuTicks(proxy.proc.pid!);
    let errors = 0;
    for (let done = 0; done < amount; done += batch)
      errors += (await open(batch, 10, 1)).errors;
    const ticks = cpuTicks(proxy.proc.pid!) - before;
    const us = ((ticks / CLOCK_TICKS_PER_SECOND) * 1e6) / amount;
    measures[`bridge${name}CpuUsPerStream`] = us;
    measures[`bridge${name}CpuErrors`] = errors;
    log(
      `cpu ${name.toLowerCase()} stream (10 events): ${us.toFixed(0)} µs per call (${ticks} ticks, ${errors} errors)`,
    );
  }
  return { proxy: measures };
}

/**
 * Responses item ids pinned (rule r9) on a stream whose ids churn on every
 * event, as Copilot sends it: SSE lag at `count` streams on the default proxy
 * beside `unpinned`, the same proxy with `COMPAT_RULES=-r9` (the stream passes
 * as it comes, as before the rule).
 */
async function pinningCost(
  proxy: Target,
  unpinned: Target,
  count: number,
): Promise<Measures> {
  const measures: Record<string, number> = {};
  for (const [name, target] of [
    ['Pinned', proxy],
    ['Unpinned', unpinned],
  ] as const) {
    const lag = await churningResponsesStreams(target, count, 20, 50);
    measures[`responses${name}LagP50Ms`] = lag.lagP50;
    measures[`responses${name}LagP99Ms`] = lag.lagP99;
    measures[`responses${name}Errors`] = lag.errors;
    log(
      `sse responses ${name.toLowerCase()}: lag p50 ${lag.lagP50.toFixed(2)} ms p99 ${lag.lagP99.toFixed(2)} ms, ${lag.errors} errors`,
    );
  }
  return { proxy: measures };
}

/** Fails the run unless a small chat completion through `target` answers 200. */
async function expectOk(
  target: Target,
  headers: Record<string, string> = {},
): Promise<Awaited<ReturnType<typeof postOnce>>> {
  const answer = await postOnce(
    target,
    '/chat/completions',
    SMALL_CHAT,
    headers,
  );
  if (answer.status !== 200)
    throw new Error(
      `${labelOf(target)}: POST /chat/completions answered ${answer.status}: ${answer.body.slice(0, 500)}`,
    );
  return answer;
}

/**
 * CPU per small and per agent request on the team proxy (client keys, rate limits,
 * response cache opt-in, inspection and metering on), as {@link cpuPerRequest}
 * measures the default one; none of its requests opt in to the cache.
 */
async function cpuTeamConfig(team: Target, amount: number): Promise<Measures> {
  await expectOk(team);
  const small = await cpuUsPerRequest(
    team,
    SMALL_CHAT,
    amount,
    'cpuUsPerSmallRequest',
  );
  const agent = await cpuUsPerRequest(
    team,
    agentRequestBody(200_000),
    amount,
    'cpuUsPerAgentRequest',
  );
  return {
    proxy: {
      teamCpuUsPerSmallRequest: small.us,
      teamCpuUsPerSmallRequestErrors: small.errors,
      teamCpuUsPerAgentRequest: agent.us,
      teamCpuUsPerAgentRequestErrors: agent.errors,
    },
  };
}

/**
 * CPU per agent request on a proxy with `COPILOT_INITIATOR=passthrough` (bodies
 * not read), and what reading the 200 KB body costs: `withInspectionUs` (the
 * default proxy's CPU per agent request) minus that.
 */
async function cpuInspectionOff(
  passthrough: Target,
  amount: number,
  withInspectionUs: number,
): Promise<Measures> {
  await expectOk(passthrough);
  const { us, errors } = await cpuUsPerRequest(
    passthrough,
    agentRequestBody(200_000),
    amount,
    'cpuUsPerAgentRequest',
  );
  const inspectionCostUsPerAgentRequest = withInspectionUs - us;
  log(
    `inspection cost per agent request: ${inspectionCostUsPerAgentRequest.toFixed(0)} µs`,
  );
  return {
    proxy: {
      passthroughCpuUsPerAgentRequest: us,
      passthroughCpuUsPerAgentRequestErrors: errors,
      inspectionCostUsPerAgentRequest,
    },
  };
}

/**
 * The compatibility stage's cost (SPEC §13) on requests that break no rule: CPU
 * per small and per agent request on the default proxy (stage on) and on one
 * with `COMPAT=off`, in two interleaved rounds each. The noise is how far the
 * default proxy's two rounds lie apart; the cost is on minus off.
 */
async function compatCost(
  on: Target,
  off: Target,
  amount: number,
): Promise<Measures> {
  await expectOk(off);
  const bodies = {
    Small: SMALL_CHAT,
    Agent: agentRequestBody(200_000),
  };
  const proxy: Record<string, number> = {};
  for (const [name, body] of Object.entries(bodies)) {
    const runs: Record<string, number[]> = { On: [], Off: [] };
    for (let round = 0; round < 2; round++) {
      const order: Array<[string, Target]> = [
        ['On', on],
        ['Off', off],
      ];
      for (const [side, target] of round % 2 ? order.reverse() : order) {
        const { us } = await cpuUsPerRequest(
          target,
          body,
          amount,
          `compat ${side.toLowerCase()} ${name.toLowerCase()}`,
        );
        runs[side].push(us);
      }
    }
    proxy[`compatOnCpuUsPer${name}Request`] = avg(runs.On);
    proxy[`compatOffCpuUsPer${name}Request`] = avg(runs.Off);
    proxy[`compatCostUsPer${name}Request`] = avg(runs.On) - avg(runs.Off);
    proxy[`compatNoiseUsPer${name}Request`] = Math.abs(runs.On[0] - runs.On[1]);
  }
  return { proxy };
}

/**
 * CPU per small request on a proxy exporting traces (OTLP/protobuf, batched, to
 * a local receiver that answers 200), beside the default proxy's (tracing off).
 */
async function cpuTracingOn(traced: Target, amount: number): Promise<Measures> {
  await expectOk(traced);
  const { us, errors } = await cpuUsPerRequest(
    traced,
    SMALL_CHAT,
    amount,
    'cpuUsPerSmallRequest',
  );
  return {
    proxy: {
      tracedCpuUsPerSmallRequest: us,
      tracedCpuUsPerSmallRequestErrors: errors,
    },
  };
}

/**
 * The team proxy's response cache: the small non-streaming chat completion with
 * `Cache-Control: max-age=600` (every request a hit after the first) against the
 * same request without it (each one goes upstream), at 32 connections: a warm-up
 * of each, then two interleaved rounds of `seconds / 2` each, averaged.
 */
async function cacheHits(team: Target, seconds: number): Promise<Measures> {
  const optIn = { 'cache-control': 'max-age=600' };
  await expectOk(team, optIn);
  const sample = await expectOk(team, optIn);
  if (sample.headers['x-cache'] !== 'HIT')
    throw new Error(
      `${labelOf(team)}: a repeated request with Cache-Control: max-age=600 was not a cache hit (X-Cache: ${String(sample.headers['x-cache'])})`,
    );
  const miss = await expectOk(team);
  if (miss.headers['x-cache'] === 'HIT')
    throw new Error(
      `${labelOf(team)}: a request without Cache-Control was answered from the cache`,
    );
  const paths = { Hit: optIn, Miss: {} };
  for (const headers of Object.values(paths))
    await postChat(
      team,
      SMALL_CHAT,
      { seconds: Math.min(2, seconds) },
      headers,
    );
  const rounds = new Map<string, Array<Awaited<ReturnType<typeof postChat>>>>(
    Object.keys(paths).map((name) => [name, []]),
  );
  for (let round = 0; round < 2; round++) {
    const order = Object.entries(paths);
    for (const [name, headers] of round % 2 ? order.reverse() : order) {
      const r = await postChat(
        team,
        SMALL_CHAT,
        { seconds: seconds / 2 },
        headers,
      );
      rounds.get(name)!.push(r);
      log(
        `${labelOf(team)} cache ${name.toLowerCase()} round ${round + 1}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99} ms, ${r.errors} errors`,
      );
    }
  }
  const proxy: Record<string, number> = {};
  for (const [name, r] of rounds) {
    proxy[`teamCache${name}Rps`] = avg(r.map((x) => x.rps));
    proxy[`teamCache${name}LatencyP99Ms`] = avg(r.map((x) => x.p99));
    proxy[`teamCache${name}Errors`] = r.reduce((n, x) => n + x.errors, 0);
  }
  return { proxy };
}

async function main(): Promise<void> {
  const settings: RunSettings = {
    seconds: envNumber('BENCH_SECONDS', 6),
    streams: envNumber('BENCH_STREAMS', 1000),
    cpuRequests: envNumber('BENCH_CPU_REQUESTS', 20_000),
  };
  try {
    const fake = await launchChild([...TS_NODE, 'bench/fake-upstream.ts'], {});
    const started = await startToReady(fake.url);
    const floorChild = await launchChild([...TS_NODE, 'bench/floor-proxy.ts'], {
      UPSTREAM: fake.url,
      TOKEN,
    });
    const proxy = started.proxy;
    const floor: Target = {
      name: 'floor',
      url: floorChild.url,
      proc: floorChild.proc,
    };
    const both = [floor, proxy];

    const results: Results = { proxy: {}, floor: {} };
    const collect = (measures: Measures): void => {
      Object.assign(results.proxy, measures.proxy);
      Object.assign(results.floor, measures.floor);
    };
    // One scenario after the other, in this order.
    collect(started.measures);
    loopStats(proxy, 'start');
    collect(await throughput(both, settings.seconds));
    loopStats(proxy, 'throughput');
    collect(await sseLag(both, settings.streams));
    loopStats(proxy, 'SSE lag');
    collect(await longStreams(both, settings.streams));
    loopStats(proxy, 'long streams');
    collect(await memoryAfterRequests(proxy));
    loopStats(proxy, 'memory after requests');
    collect(await cpuPerRequest(both, settings.cpuRequests));
    loopStats(proxy, 'CPU per request');
    collect(await sseLag(both, settings.streams, true));
    loopStats(proxy, 'SSE lag, unmetered path');
    collect(await notFatal('count_tokens cost', countTokensCost(proxy, 5)));
    collect(
      await bridgeCost(
        proxy,
        settings.streams,
        Math.max(200, Math.round(settings.cpuRequests / 10)),
      ),
    );

    // Other configurations of the proxy, each a process of its own, started now
    // so that they sit out the scenarios above.
    const team = await startVariant(
      fake.url,
      'team',
      {
        PROXY_API_KEYS: 'bench-key-1,bench-key-2',
        RATE_LIMIT_MAX: '100000000',
        RESPONSE_CACHE: 'opt-in',
      },
      { authorization: 'Bearer bench-key-1' },
    );
    const passthrough = await startVariant(fake.url, 'passthrough', {
      COPILOT_INITIATOR: 'passthrough',
    });
    const compatOff = await startVariant(fake.url, 'compat-off', {
      COMPAT: 'off',
    });
    const sink = await launchChild([...TS_NODE, 'bench/otlp-sink.ts'], {});
    const traced = await startVariant(fake.url, 'traced', {
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    });
    collect(await cpuTeamConfig(team, settings.cpuRequests));
    collect(
      await cpuInspectionOff(
        passthrough,
        settings.cpuRequests,
        results.proxy.cpuUsPerAgentRequest,
      ),
    );
    collect(await cacheHits(team, settings.seconds));
    collect(await notFatal('count_tokens stalls', countTokensStalls(proxy, 3)));
    collect(await compatCost(proxy, compatOff, settings.cpuRequests));
    const unpinned = await startVariant(fake.url, 'unpinned', {
      COMPAT_RULES: '-r9',
    });
    collect(await pinningCost(proxy, unpinned, settings.streams));
    collect(await cpuTracingOn(traced, settings.cpuRequests));
    // Last: its RSS grows by hundreds of MiB. Every body read whole, however
    // many at once (one key's share would otherwise let only the first be read).
    const imagesEnv = { INSPECT_KEY_SHARE_BYTES: String(128 * 1024 * 1024) };
    collect(
      await translatedImagesRss({
        Native: await startVariant(fake.url, 'images-native', imagesEnv),
        Translated: await startVariant(
          fake.url,
          'images-translated',
          imagesEnv,
        ),
      }),
    );

    const table = renderTable(results, settings);
    process.stdout.write(`\n${table}\n`);
    const file = join(ROOT, 'bench', 'results', 'latest.json');
    writeResults(file, results, settings, table);
    process.stdout.write(`\nwritten to ${file}\n`);
  } finally {
    for (const child of children) child.proc.kill('SIGKILL');
  }
}

/**
 * A scenario whose failure is logged and leaves its rows out, so the rest of
 * the run still comes out (count_tokens' exact count falls back to an estimate
 * on a loaded machine, which its scenarios refuse).
 */
async function notFatal(
  scenario: string,
  measures: Promise<Measures>,
): Promise<Measures> {
  try {
    return await measures;
  } catch (error) {
    log(`${scenario} failed, its rows left out: ${(error as Error).message}`);
    return {};
  }
}

/**
 * With `BENCH_LOOP_STATS=1` (inherited by the proxies), has the default proxy
 * print its event-loop delay and GC pauses since the last call (`SIGUSR2`, see
 * src/lifecycle/loop-stats.ts): the line shows in the log after this one.
 */
function loopStats(proxy: Target, scenario: string): void {
  if (process.env.BENCH_LOOP_STATS !== '1') return;
  log(`loop stats of the default proxy, ${scenario}:`);
  proxy.proc.kill('SIGUSR2');
}

/** A positive number from the environment, or `fallback` when unset. */
function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!(value > 0))
    throw new Error(`${name} must be a positive number: ${text}`);
  return value;
}

const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const log = (line: string) => process.stderr.write(`${line}\n`);

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${(error as Error).stack ?? String(error)}\n`,
  );
  process.exit(1);
});
