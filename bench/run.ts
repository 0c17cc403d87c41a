/**
 * `npm run bench`: the proxy against a bare node:http proxy (the floor), both in
 * front of the same fake Copilot API, measured in one run and reported as ratios.
 * Loopback only; about two minutes on a 2-core machine.
 */
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { freePort } from '../test/support/redis-server';

const ROOT = join(__dirname, '..');
const TOKEN = 'bench-copilot-token';
/** Sent by the client so the floor (which adds nothing) passes the API's header check too. */
const EDITOR = { 'editor-version': 'vscode/1.104.3' };
const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 6);

interface Target {
  name: 'proxy' | 'floor';
  url: string;
  proc: ChildProcess;
}

function launch(
  args: string[],
  env: Record<string, string>,
): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (match) resolve({ proc, url: match[1] });
    });
    proc.once('exit', (code) =>
      reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)),
    );
  });
}

const tsNode = ['-r', 'ts-node/register/transpile-only'];

async function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

const nowMs = () => performance.timeOrigin + performance.now();

async function throughput(target: Target, seconds: number) {
  const result = await autocannon({
    url: `${target.url}/chat/completions`,
    method: 'POST',
    connections: 32,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...EDITOR },
    body: JSON.stringify({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hello' }],
    }),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** Opens `count` streams at once; resolves with per-event lags, time to first byte, errors. */
async function streams(
  target: Target,
  count: number,
  events: number,
  intervalMs: number,
  onAllOpen?: () => void,
) {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const lags: number[] = [];
  const ttfb: number[] = [];
  let errors = 0;
  let open = 0;
  const body = JSON.stringify({
    model: 'gpt-4o',
    stream: true,
    messages: [{ role: 'user', content: 'hi' }],
  });
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve) => {
          const started = nowMs();
          const req = request(
            `${target.url}/chat/completions`,
            {
              method: 'POST',
              agent,
              headers: {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(body),
                ...EDITOR,
                'x-fake-events': String(events),
                'x-fake-interval-ms': String(intervalMs),
              },
            },
            (res) => {
              let first = true;
              let buffer = '';
              let seen = 0;
              if (++open === count) onAllOpen?.();
              res.setEncoding('utf8');
              res.on('data', (text: string) => {
                const at = nowMs();
                if (first) {
                  ttfb.push(at - started);
                  first = false;
                }
                buffer += text;
                let i: number;
                while ((i = buffer.indexOf('\n\n')) !== -1) {
                  const block = buffer.slice(0, i);
                  buffer = buffer.slice(i + 2);
                  const match = /"sent":([\d.]+)/.exec(block);
                  if (match) {
                    lags.push(at - Number(match[1]));
                    seen++;
                  }
                }
              });
              res.on('end', () => {
                if (res.statusCode !== 200 || seen !== events) errors++;
                resolve();
              });
              res.on('error', () => {
                errors++;
                resolve();
              });
            },
          );
          req.on('error', () => {
            errors++;
            resolve();
          });
          req.end(body);
        }),
    ),
  );
  agent.destroy();
  return {
    lagP50: percentile(lags, 50),
    lagP99: percentile(lags, 99),
    ttfbP99: percentile(ttfb, 99),
    errors,
  };
}

async function requests(target: Target, amount: number): Promise<void> {
  await autocannon({
    url: `${target.url}/models`,
    connections: 16,
    amount,
    headers: EDITOR,
  });
}

async function main(): Promise<void> {
  const fake = await launch([...tsNode, 'bench/fake-upstream.ts'], {});

  // LOG_LEVEL=warn hides the "listening" line: pick the port here and poll readiness.
  const port = await freePort();
  const spawnedAt = performance.now();
  const proxyProc = {
    url: `http://127.0.0.1:${port}`,
    proc: spawn(process.execPath, ['dist/main.js'], {
      cwd: ROOT,
      env: {
        ...process.env,
        COPILOT_TOKEN: TOKEN,
        COPILOT_API_BASE_URL: fake.url,
        LOG_LEVEL: 'warn',
        PROXY_PORT: String(port),
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  };
  while ((await get(`${proxyProc.url}/readyz`)) !== 200)
    await new Promise((r) => setTimeout(r, 5));
  const startToReadyMs = performance.now() - spawnedAt;

  const floorProc = await launch([...tsNode, 'bench/floor-proxy.ts'], {
    UPSTREAM: fake.url,
    TOKEN,
  });
  const proxy: Target = { name: 'proxy', ...proxyProc };
  const floor: Target = { name: 'floor', ...floorProc };
  const both = [floor, proxy];

  const results: Record<string, Record<string, number>> = {
    proxy: {},
    floor: {},
  };
  const record = (t: Target, key: string, value: number) =>
    (results[t.name][key] = value);

  const idle = rssKiB(proxy.proc.pid!);
  log(`start to ready: ${startToReadyMs.toFixed(0)} ms; idle RSS ${idle} KiB`);

  // Warm both up (JIT, keep-alive pools), then interleave the throughput rounds.
  for (const t of both) await throughput(t, 2);
  const rounds: Record<
    string,
    Array<Awaited<ReturnType<typeof throughput>>>
  > = { proxy: [], floor: [] };
  for (let round = 0; round < 2; round++) {
    for (const t of round % 2 ? [...both].reverse() : both) {
      rounds[t.name].push(await throughput(t, DURATION / 2));
      log(
        `throughput ${t.name} round ${round + 1}: ${rounds[t.name].at(-1)!.rps.toFixed(0)} req/s`,
      );
    }
  }
  for (const t of both) {
    const r = rounds[t.name];
    record(t, 'rps', avg(r.map((x) => x.rps)));
    record(t, 'latencyP50Ms', avg(r.map((x) => x.p50)));
    record(t, 'latencyP99Ms', avg(r.map((x) => x.p99)));
    record(
      t,
      'errors',
      r.reduce((n, x) => n + x.errors, 0),
    );
  }

  for (const t of both) {
    const s = await streams(t, STREAMS, 20, 50);
    record(t, 'sseLagP50Ms', s.lagP50);
    record(t, 'sseLagP99Ms', s.lagP99);
    record(t, 'sseErrors', s.errors);
    log(
      `sse ${t.name}: lag p50 ${s.lagP50.toFixed(2)} ms p99 ${s.lagP99.toFixed(2)} ms, ${s.errors} errors`,
    );
  }

  // Per-stream memory against a warm baseline: the RSS right before the streams
  // open, once earlier phases have grown the heap, not the RSS at start.
  let warmRss = 0;
  for (const t of both) {
    let heldRss = 0;
    if (t === proxy) warmRss = rssKiB(t.proc.pid!);
    const s = await streams(t, STREAMS, 20, 100, () => {
      heldRss = rssKiB(t.proc.pid!);
    });
    record(t, 'longTtfbP99Ms', s.ttfbP99);
    record(t, 'longErrors', s.errors);
    if (t === proxy) record(t, 'rssHoldingStreamsKiB', heldRss);
    log(
      `long streams ${t.name}: ttfb p99 ${s.ttfbP99.toFixed(1)} ms, ${s.errors} errors`,
    );
  }

  await requests(proxy, 1000);
  const after1k = rssKiB(proxy.proc.pid!);
  await requests(proxy, 9000);
  const after10k = rssKiB(proxy.proc.pid!);
  record(proxy, 'rssIdleKiB', idle);
  record(proxy, 'rssBeforeStreamsKiB', warmRss);
  record(
    proxy,
    'kibPerStream',
    (results.proxy.rssHoldingStreamsKiB - warmRss) / STREAMS,
  );
  record(proxy, 'rssAfter1kKiB', after1k);
  record(proxy, 'rssAfter10kKiB', after10k);
  record(proxy, 'startToReadyMs', startToReadyMs);

  for (const p of [proxy.proc, floor.proc, fake.proc]) p.kill('SIGKILL');

  const ratio = (key: string) => results.proxy[key] / results.floor[key];
  type Row = [string, string, string, string, string];
  /** A measure taken on both: proxy, floor, and their ratio unless it is a count. */
  const measured = (
    label: string,
    key: string,
    digits: number,
    target: string,
    withRatio = true,
  ): Row => [
    label,
    fmt(results.proxy[key], digits),
    fmt(results.floor[key], digits),
    withRatio ? fmt(ratio(key), 2) : '',
    target,
  ];
  const rows: Row[] = [
    measured('non-streaming req/s (32 conns)', 'rps', 0, '≥ 0.60'),
    measured('non-streaming p50 latency ms', 'latencyP50Ms', 1, ''),
    measured('non-streaming p99 latency ms', 'latencyP99Ms', 1, '≤ 2.00'),
    measured(`SSE lag p50 ms (${STREAMS} streams)`, 'sseLagP50Ms', 2, ''),
    measured(`SSE lag p99 ms (${STREAMS} streams)`, 'sseLagP99Ms', 2, '≤ 1.50'),
    measured('SSE errors', 'sseErrors', 0, '0', false),
    measured(
      `long streams TTFB p99 ms (${STREAMS} open)`,
      'longTtfbP99Ms',
      1,
      '≤ 2.00',
    ),
    measured('long stream errors', 'longErrors', 0, '0', false),
    ['RSS idle KiB', fmt(idle), '', '', ''],
    [
      'RSS per open stream KiB (warm baseline)',
      fmt(results.proxy.kibPerStream, 1),
      '',
      '',
      '≤ 64',
    ],
    [
      'RSS after 1k / 10k requests KiB',
      `${after1k} / ${after10k}`,
      '',
      fmt(after10k / after1k, 2),
      '≤ 1.20',
    ],
    ['start to /readyz 200 ms', fmt(startToReadyMs), '', '', '≤ 1500'],
  ];
  const table = [
    '| measure | proxy | floor | proxy/floor | target |',
    '|---|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  process.stdout.write(`\n${table}\n`);
  const file = join(ROOT, 'bench', 'results', 'latest.json');
  writeFileSync(
    file,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        streams: STREAMS,
        results,
        table,
      },
      null,
      2,
    ),
  );
  process.stdout.write(`\nwritten to ${file}\n`);
}

const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toFixed(digits) : '–';
const log = (line: string) => process.stderr.write(`${line}\n`);

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${(error as Error).stack ?? String(error)}\n`,
  );
  process.exit(1);
});
