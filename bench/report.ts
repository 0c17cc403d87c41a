import { writeFileSync } from 'node:fs';

/** Every measure by name, for the proxy and for the floor. */
export interface Results {
  proxy: Record<string, number>;
  floor: Record<string, number>;
}

/** What a run was asked to do, for the labels and the JSON file. */
export interface RunSettings {
  seconds: number;
  streams: number;
  cpuRequests: number;
}

type Row = [string, string, string, string, string];

/** The results as a Markdown table: measure, proxy, floor, proxy/floor, target. */
export function renderTable(results: Results, settings: RunSettings): string {
  const { proxy, floor } = results;
  const { streams } = settings;
  /** A measure taken on both: proxy, floor, and their ratio unless it is a count. */
  const both = (
    label: string,
    key: string,
    digits: number,
    target: string,
    withRatio = true,
  ): Row => [
    label,
    fmt(proxy[key], digits),
    fmt(floor[key], digits),
    withRatio ? fmt(proxy[key] / floor[key], 2) : '',
    target,
  ];
  /**
   * A measure of another proxy configuration (`proxyKey`) beside the floor's
   * `floorKey`, and their ratio.
   */
  const vsFloor = (
    label: string,
    proxyKey: string,
    floorKey: string,
    digits: number,
    target: string,
  ): Row => [
    label,
    fmt(proxy[proxyKey], digits),
    fmt(floor[floorKey], digits),
    fmt(proxy[proxyKey] / floor[floorKey], 2),
    target,
  ];
  /** A measure taken on the proxy only. */
  const own = (label: string, value: string, target: string): Row => [
    label,
    value,
    '',
    '',
    target,
  ];
  const rows: Row[] = [
    both('non-streaming req/s (32 conns)', 'rps', 0, ''),
    both('non-streaming p50 latency ms', 'latencyP50Ms', 1, ''),
    both('non-streaming p99 latency ms', 'latencyP99Ms', 1, '≤ 3.00'),
    both(`SSE lag p50 ms (${streams} streams)`, 'sseLagP50Ms', 2, ''),
    both(`SSE lag p99 ms (${streams} streams)`, 'sseLagP99Ms', 2, '≤ 2.00'),
    both('SSE errors', 'sseErrors', 0, '0', false),
    both(
      `long streams TTFB p99 ms (${streams} open)`,
      'longTtfbP99Ms',
      1,
      '≤ 1.50',
    ),
    both('long stream errors', 'longErrors', 0, '0', false),
    own('RSS idle KiB', fmt(proxy.rssIdleKiB), ''),
    own(
      'RSS per open stream KiB (warm baseline)',
      fmt(proxy.kibPerStream, 1),
      '≤ 64',
    ),
    [
      'RSS after 1k / 10k requests KiB',
      `${fmt(proxy.rssAfter1kKiB)} / ${fmt(proxy.rssAfter10kKiB)}`,
      '',
      fmt(proxy.rssAfter10kKiB / proxy.rssAfter1kKiB, 2),
      '≤ 1.20',
    ],
    own('start to /readyz 200 ms', fmt(proxy.startToReadyMs), '≤ 1500'),
    both('CPU µs per small request', 'cpuUsPerSmallRequest', 0, '≤ 4.00'),
    both('CPU µs per agent request (200 KB)', 'cpuUsPerAgentRequest', 0, ''),
    both(
      `SSE lag p50 ms, unmetered path (${streams} streams)`,
      'sseUnmeteredLagP50Ms',
      2,
      '',
    ),
    both(
      `SSE lag p99 ms, unmetered path (${streams} streams)`,
      'sseUnmeteredLagP99Ms',
      2,
      '',
    ),
    both('SSE errors, unmetered path', 'sseUnmeteredErrors', 0, '0', false),
    vsFloor(
      'CPU µs per small request (team config)',
      'teamCpuUsPerSmallRequest',
      'cpuUsPerSmallRequest',
      0,
      '',
    ),
    vsFloor(
      'CPU µs per agent request (team config)',
      'teamCpuUsPerAgentRequest',
      'cpuUsPerAgentRequest',
      0,
      '',
    ),
    vsFloor(
      'CPU µs per agent request, inspection off',
      'passthroughCpuUsPerAgentRequest',
      'cpuUsPerAgentRequest',
      0,
      '',
    ),
    vsFloor(
      'CPU µs per small request, tracing on (local OTLP receiver)',
      'tracedCpuUsPerSmallRequest',
      'cpuUsPerSmallRequest',
      0,
      '',
    ),
    own(
      'inspection cost per agent request µs',
      fmt(proxy.inspectionCostUsPerAgentRequest),
      '',
    ),
    [
      'compat stage: CPU µs per small request, on / COMPAT=off (no rule broken)',
      `${fmt(proxy.compatOnCpuUsPerSmallRequest)} / ${fmt(proxy.compatOffCpuUsPerSmallRequest)}`,
      `cost ${fmt(proxy.compatCostUsPerSmallRequest)}, noise ${fmt(proxy.compatNoiseUsPerSmallRequest)}`,
      fmt(
        proxy.compatOnCpuUsPerSmallRequest /
          proxy.compatOffCpuUsPerSmallRequest,
        2,
      ),
      'cost ≤ noise',
    ],
    [
      'compat stage: CPU µs per agent request (200 KB), on / COMPAT=off',
      `${fmt(proxy.compatOnCpuUsPerAgentRequest)} / ${fmt(proxy.compatOffCpuUsPerAgentRequest)}`,
      `cost ${fmt(proxy.compatCostUsPerAgentRequest)}, noise ${fmt(proxy.compatNoiseUsPerAgentRequest)}`,
      fmt(
        proxy.compatOnCpuUsPerAgentRequest /
          proxy.compatOffCpuUsPerAgentRequest,
        2,
      ),
      'cost ≤ noise',
    ],
    own(
      'count_tokens CPU / wall ms per count, agent 200 KB',
      `${fmt(proxy.countTokensAgentCpuMs, 1)} / ${fmt(proxy.countTokensAgentWallMs, 1)}`,
      '',
    ),
    own(
      'count_tokens CPU / wall ms per count, 50 KB of one letter',
      `${fmt(proxy.countTokensLettersCpuMs, 1)} / ${fmt(proxy.countTokensLettersWallMs, 1)}`,
      '< 1000',
    ),
    own(
      'count_tokens CPU / wall ms per count, 10,000 CJK chars',
      `${fmt(proxy.countTokensCjkCpuMs, 1)} / ${fmt(proxy.countTokensCjkWallMs, 1)}`,
      '< 1000',
    ),
    [
      `bridge: SSE lag p50 / p99 ms, Anthropic client on a chat-only model (${streams} streams)`,
      `${fmt(proxy.bridgeBridgedLagP50Ms, 2)} / ${fmt(proxy.bridgeBridgedLagP99Ms, 2)}`,
      `native ${fmt(proxy.bridgeNativeLagP50Ms, 2)} / ${fmt(proxy.bridgeNativeLagP99Ms, 2)}`,
      fmt(proxy.bridgeBridgedLagP99Ms / proxy.bridgeNativeLagP99Ms, 2),
      '',
    ],
    [
      'bridge: CPU µs per streamed call (10 events), translated / native',
      fmt(proxy.bridgeBridgedCpuUsPerStream),
      `native ${fmt(proxy.bridgeNativeCpuUsPerStream)}`,
      fmt(
        proxy.bridgeBridgedCpuUsPerStream / proxy.bridgeNativeCpuUsPerStream,
        2,
      ),
      '',
    ],
    own(
      'bridge: errors (lag translated / native, CPU translated / native)',
      `${fmt(proxy.bridgeBridgedErrors)} / ${fmt(proxy.bridgeNativeErrors)}, ${fmt(proxy.bridgeBridgedCpuErrors)} / ${fmt(proxy.bridgeNativeCpuErrors)}`,
      '0',
    ),
    own(
      'count_tokens stall: worst /healthz ms during a count, 20,000 letters',
      `${fmt(proxy.countTokensStallLettersMs, 1)} (${fmt(proxy.countTokensStallLettersErrors)} errors)`,
      '≤ 250',
    ),
    own(
      'count_tokens stall: worst /healthz ms during a count, 200,000 CJK chars',
      `${fmt(proxy.countTokensStallCjkMs, 1)} (${fmt(proxy.countTokensStallCjkErrors)} errors)`,
      '≤ 250',
    ),
    [
      'peak RSS MiB, 4 × 25 MiB images at once, translated (200 / 503)',
      `${fmt(proxy.imagesTranslatedPeakRssMiB)} (${fmt(proxy.imagesTranslatedOk)} / ${fmt(proxy.imagesTranslatedBusy)})`,
      `native ${fmt(proxy.imagesNativePeakRssMiB)} (${fmt(proxy.imagesNativeOk)} / ${fmt(proxy.imagesNativeBusy)})`,
      fmt(proxy.imagesTranslatedPeakRssMiB / proxy.imagesNativePeakRssMiB, 2),
      '< 512',
    ],
    [
      `Responses SSE lag p50 / p99 ms, churning ids pinned (${streams} streams)`,
      `${fmt(proxy.responsesPinnedLagP50Ms, 2)} / ${fmt(proxy.responsesPinnedLagP99Ms, 2)}`,
      `unpinned ${fmt(proxy.responsesUnpinnedLagP50Ms, 2)} / ${fmt(proxy.responsesUnpinnedLagP99Ms, 2)}`,
      fmt(proxy.responsesPinnedLagP99Ms / proxy.responsesUnpinnedLagP99Ms, 2),
      '',
    ],
    own(
      'Responses SSE errors, pinned / unpinned',
      `${fmt(proxy.responsesPinnedErrors)} / ${fmt(proxy.responsesUnpinnedErrors)}`,
      '0 / 0',
    ),
    own('team: cache-hit req/s (32 conns)', fmt(proxy.teamCacheHitRps), ''),
    own(
      'team: cache-hit p99 latency ms',
      fmt(proxy.teamCacheHitLatencyP99Ms, 1),
      '',
    ),
    own('team: cache-miss req/s (32 conns)', fmt(proxy.teamCacheMissRps), ''),
    own(
      'team: cache-miss p99 latency ms',
      fmt(proxy.teamCacheMissLatencyP99Ms, 1),
      '',
    ),
    own(
      'team: cache-hit / cache-miss errors',
      `${fmt(proxy.teamCacheHitErrors)} / ${fmt(proxy.teamCacheMissErrors)}`,
      '0 / 0',
    ),
  ];
  return [
    '| measure | proxy | floor | proxy/floor | target |',
    '|---|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Writes the run, its results and its table as JSON to `file`. */
export function writeResults(
  file: string,
  results: Results,
  settings: RunSettings,
  table: string,
): void {
  const run = {
    date: new Date().toISOString(),
    node: process.version,
    ...settings,
    results,
    table,
  };
  writeFileSync(file, JSON.stringify(run, null, 2));
}

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toFixed(digits) : '–';
