import { randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FakeTimers } from '../fake-http';
import { newId } from '../fake-inference';

/** A ~408-character opaque base64 item id, a new one each call (R9, R16). */
export const itemId = (): string => randomBytes(306).toString('base64');

/** A 320-character base64 response id (R16). */
export const responseId = (): string => randomBytes(240).toString('base64');

/** An opaque reasoning blob: a signature, `reasoning_opaque` or (Fernet-like) `encrypted_content`. */
export const opaque = (prefix = ''): string =>
  prefix + randomBytes(180).toString('base64');

/** A Bedrock-served message id (G15): `msg_bdrk_01…`. */
export const messageId = (): string => newId('msg_bdrk_01');

/** A Bedrock-served tool-use id: `toolu_bdrk_01…`. */
export const toolUseId = (): string => newId('toolu_bdrk_01');

/** The dated deployment ids Copilot echoes (C11, R16, M19). */
const DATED: Record<string, string> = {
  'gpt-4o': 'gpt-4o-2024-11-20',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-5-mini': 'gpt-5-mini-2025-08-07',
  'gpt-5.1-codex': 'gpt-5.1-codex-2025-11-13',
  'gpt-5.4': 'gpt-5.4-2026-03-05',
  'gpt-5.5': 'gpt-5.5-2026-04-23',
  'claude-sonnet-4': 'claude-sonnet-4-20250514',
  'claude-opus-4': 'claude-opus-4-20250514',
  'claude-haiku-4.5': 'claude-haiku-4-5-20251001',
  'claude-sonnet-4.5': 'claude-sonnet-4-5-20250929',
  'claude-opus-4.6': 'claude-opus-4-6',
  'claude-opus-4.8': 'claude-opus-4-8',
};

/** The model id as Copilot echoes it in answers: dated where known. */
export const datedModel = (model: string): string => DATED[model] ?? model;

/** `x-quota-snapshot-*` values (G10), one per bucket. */
export const QUOTA_SNAPSHOTS: Record<string, string> = {
  'x-quota-snapshot-chat':
    'ent=-1&ov=0.0&ovPerm=false&rem=100.0&rst=2026-09-01T00%3A00%3A00Z&totRem=-1',
  'x-quota-snapshot-completions':
    'ent=-1&ov=0.0&ovPerm=false&rem=100.0&rst=2026-09-01T00%3A00%3A00Z&totRem=-1',
  'x-quota-snapshot-premium_interactions':
    'ent=10000000&ov=0.0&ovPerm=true&rem=97.1&rst=2026-09-01T00%3A00%3A00Z&totRem=9719759.1',
};

/** The headers every Copilot answer carries (§8.5); `Connection: close` is set apart (G2). */
export function baseHeaders(): Record<string, string> {
  const id = randomUUID();
  return {
    'x-request-id': id,
    'x-github-request-id': 'F00D:1B2C3:4D5E6F:7A8B9C0:6750A1B2',
    'x-github-backend': 'Kubernetes',
    'x-copilot-service-request-id': id,
    'strict-transport-security': 'max-age=31536000',
    'content-security-policy': "default-src 'none'; sandbox",
    'x-content-type-options': 'nosniff',
  };
}

/** `copilot_usage` (R17) for `tokens` tokens. */
export function copilotUsage(input: number, output: number): object {
  return {
    total_nano_aiu: 11600000,
    token_details: [
      {
        token_type: 'input',
        token_count: input,
        batch_size: 1000000,
        cost_per_batch: 1250000000,
      },
      {
        token_type: 'output',
        token_count: output,
        batch_size: 1000000,
        cost_per_batch: 10000000000,
      },
    ],
  };
}

/** Azure's content-filter categories, nothing filtered (C10, C11). */
export const FILTER_RESULTS = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

export const PROMPT_FILTER_RESULTS = [
  { prompt_index: 0, content_filter_results: FILTER_RESULTS },
];

/**
 * A 200 with Copilot's headers and quota snapshots (`quotaSnapshot`, when set,
 * for `premium_interactions`); `parts` written `intervalMs` apart on the fake's
 * timers, or at once when undefined.
 */
export function writeAnswer(
  timers: FakeTimers,
  quotaSnapshot: string | undefined,
  res: ServerResponse,
  type: string,
  parts: Array<() => string>,
  intervalMs: number | undefined,
): void {
  const quota = { ...QUOTA_SNAPSHOTS };
  if (quotaSnapshot !== undefined)
    quota['x-quota-snapshot-premium_interactions'] = quotaSnapshot;
  res.writeHead(200, {
    ...baseHeaders(),
    ...quota,
    'content-type': type,
    ...(type === 'text/event-stream' && { 'cache-control': 'no-cache' }),
  });
  if (intervalMs === undefined)
    return void res.end(parts.map((p) => p()).join(''));
  let next = 0;
  const write = (): void => {
    if (res.destroyed) return;
    res.write(parts[next++]());
    if (next === parts.length) res.end();
    else timers.later(intervalMs, write);
  };
  write();
}
