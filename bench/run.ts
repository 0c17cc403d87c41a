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
import { get, getModels, postChat, SMALL_CHAT, streams, Target } from './load';
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
 * Spawns the proxy from `dist/main.js` in front of `upstream` and times it from spawn
 * to its first `/readyz` 200 (LOG_LEVEL=warn hides the "listening" line, so the port
 * is picked here and readiness polled); then reads its idle RSS.
 */
async function startToReady(
  upstream: string,
): Promise<{ proxy: Target; measures: Measures }> {
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
    },
    { waitForListen: false, label: 'proxy' },
  );
  let exited = false;
  void launched.exited.then(() => (exited = true));
  while ((await get(`${url}/readyz`)) !== 200) {
    if (exited || performance.now() - spawnedAt > 15_000)
      throw new Error(
        `proxy never became ready:\n${launched.stdout()}\n${launched.stderr()}`,
      );
    await new Promise((r) => setTimeout(r, 5));
  }
  const startToReadyMs = performance.now() - spawnedAt;
  const proxy: Target = { name: 'proxy', url, proc: launched.proc };
  const rssIdleKiB = rssKiB(launched.proc.pid!);
  log(
    `start to ready: ${startToReadyMs.toFixed(0)} ms; idle RSS ${rssIdleKiB} KiB`,
  );
  return { proxy, measures: { proxy: { startToReadyMs, rssIdleKiB } } };
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

/** `count` concurrent streams of 20 events 50 ms apart: per-event lag p50/p99. */
async function sseLag(targets: Target[], count: number): Promise<Measures> {
  const measures: Measures = {};
  for (const t of targets) {
    const s = await streams(t, count, 20, 50);
    measures[t.name] = {
      sseLagP50Ms: s.lagP50,
      sseLagP99Ms: s.lagP99,
      sseErrors: s.errors,
    };
    log(
      `sse ${t.name}: lag p50 ${s.lagP50.toFixed(2)} ms p99 ${s.lagP99.toFixed(2)} ms, ${s.errors} errors`,
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
      await postChat(t, body, { amount: Math.min(1000, amount) });
      const before = cpuTicks(t.proc.pid!);
      const { errors } = await postChat(t, body, { amount });
      const ticks = cpuTicks(t.proc.pid!) - before;
      const us = ((ticks / CLOCK_TICKS_PER_SECOND) * 1e6) / amount;
      measures[t.name]![key] = us;
      measures[t.name]![`${key}Errors`] = errors;
      log(
        `cpu ${t.name} ${key}: ${us.toFixed(0)} µs per request (${ticks} ticks, ${errors} errors)`,
      );
    }
  }
  return measures;
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
    // One scenario after the other, in this order.
    for (const measures of [
      started.measures,
      await throughput(both, settings.seconds),
      await sseLag(both, settings.streams),
      await longStreams(both, settings.streams),
      await memoryAfterRequests(proxy),
      await cpuPerRequest(both, settings.cpuRequests),
    ]) {
      Object.assign(results.proxy, measures.proxy);
      Object.assign(results.floor, measures.floor);
    }

    const table = renderTable(results, settings);
    process.stdout.write(`\n${table}\n`);
    const file = join(ROOT, 'bench', 'results', 'latest.json');
    writeResults(file, results, settings, table);
    process.stdout.write(`\nwritten to ${file}\n`);
  } finally {
    for (const child of children) child.proc.kill('SIGKILL');
  }
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
