import { createHash } from 'node:crypto';
import { load } from 'js-yaml';

/** A key clients may present, by name; the secret itself is never kept. */
export interface ClientKey {
  name: string;
  /** SHA-256 of the key. */
  digest: Buffer;
  /** Overrides `RATE_LIMIT_*` for this key. */
  rateLimit?: { requests: number; windowSeconds: number };
  quota?: {
    period: 'day' | 'month';
    tokens?: number;
    premiumRequests?: number;
    /** AI credits (AIU), as Copilot reports them in `copilot_usage`. */
    credits?: number;
  };
  /** May read every key's usage and the account's quota at `/usage`. */
  readAllUsage: boolean;
  /**
   * `infer`: the proxy decides `X-Initiator` from the conversation and ignores
   * the client's own header (a budget no client can talk its way around);
   * `client` (default): a client's header wins.
   */
  initiator: 'client' | 'infer';
  /**
   * `own`: requests go upstream on the holder's linked Copilot seat (SPEC §14);
   * `shared` (default): on the proxy's own login.
   */
  seat?: 'own' | 'shared';
}

export const sha256 = (value: string): Buffer =>
  createHash('sha256').update(value).digest();

/** The name of a `PROXY_API_KEYS` key: `key-` and its digest's first 8 hex digits. */
export const keyName = (digest: Buffer): string =>
  `key-${digest.toString('hex').slice(0, 8)}`;

const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const DIGEST = /^sha256:([0-9a-f]{64})$/i;
const ENTRY_FIELDS = new Set([
  'name',
  'key',
  'digest',
  'rateLimit',
  'quota',
  'readAllUsage',
  'initiator',
  'seat',
]);
const RATE_FIELDS = new Set(['requests', 'windowSeconds']);
const QUOTA_FIELDS = new Set([
  'period',
  'tokens',
  'premiumRequests',
  'credits',
]);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown, min = 0): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
const isAmount = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * The client keys: `PROXY_API_KEYS` (named `key-<digest prefix>`) and the entries
 * of `PROXY_KEYS_FILE` (YAML or JSON). Every problem is collected — never with a
 * key's value in it — so a bad file is refused with one message.
 */
export function buildClientKeys(
  apiKeys: readonly string[],
  file: { path: string; text: string } | undefined,
): { keys: ClientKey[]; problems: string[] } {
  const problems: string[] = [];
  // Named by their digest, not their place: removing one key moves nobody
  // else's usage, quota or cache.
  const keys: ClientKey[] = apiKeys.map((key) => ({
    name: keyName(sha256(key)),
    digest: sha256(key),
    readAllUsage: false,
    initiator: 'client' as const,
  }));
  if (file) keys.push(...parseKeysFile(file.path, file.text, problems));

  const where = file ? `PROXY_KEYS_FILE (${file.path})` : 'PROXY_API_KEYS';
  const names = new Set<string>();
  const digests = new Map<string, string>();
  for (const key of keys) {
    const hex = key.digest.toString('hex');
    const other = digests.get(hex);
    if (other !== undefined && other === key.name) {
      // Two PROXY_API_KEYS entries alike: same digest, so the same name too.
      problems.push('PROXY_API_KEYS: the same key is listed twice');
      continue;
    }
    if (names.has(key.name))
      problems.push(`${where}: key name "${key.name}" is used twice`);
    names.add(key.name);
    if (other !== undefined)
      problems.push(
        `${where}: keys "${other}" and "${key.name}" are the same key`,
      );
    digests.set(hex, key.name);
  }
  return { keys, problems };
}

function parseKeysFile(
  path: string,
  text: string,
  problems: string[],
): ClientKey[] {
  const where = `PROXY_KEYS_FILE (${path})`;
  let doc: unknown;
  try {
    doc = load(text);
  } catch (error) {
    problems.push(
      `${where} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`,
    );
    return [];
  }
  if (!isObject(doc) || !Array.isArray(doc.keys)) {
    problems.push(`${where} must hold a "keys:" list`);
    return [];
  }
  for (const field of Object.keys(doc)) {
    if (field !== 'keys') problems.push(`${where}: unknown field "${field}"`);
  }
  const keys: ClientKey[] = [];
  doc.keys.forEach((entry: unknown, i: number) => {
    const at = `${where} keys[${i}]`;
    if (!isObject(entry)) return void problems.push(`${at} must be a mapping`);
    const before = problems.length;
    for (const field of Object.keys(entry)) {
      if (!ENTRY_FIELDS.has(field))
        problems.push(`${at}: unknown field "${field}"`);
    }
    const name = entry.name;
    if (typeof name !== 'string' || !NAME.test(name))
      problems.push(`${at}: name must be 1-64 of A-Z a-z 0-9 . _ -`);
    else if (name === 'anonymous')
      problems.push(`${at}: "anonymous" is the name of usage without a key`);
    let digest: Buffer | undefined;
    if (entry.key !== undefined && entry.digest !== undefined) {
      problems.push(`${at}: give key or digest, not both`);
    } else if (typeof entry.key === 'string' && entry.key.length > 0) {
      digest = sha256(entry.key);
    } else if (typeof entry.digest === 'string' && DIGEST.test(entry.digest)) {
      digest = Buffer.from(DIGEST.exec(entry.digest)![1], 'hex');
    } else if (entry.digest !== undefined) {
      problems.push(`${at}: digest must be sha256:<64 hex digits>`);
    } else if (entry.key !== undefined) {
      problems.push(`${at}: key must be a non-empty string`);
    } else {
      problems.push(`${at}: key or digest is required`);
    }
    const rateLimit = entry.rateLimit;
    if (rateLimit !== undefined) {
      if (
        !isObject(rateLimit) ||
        !isCount(rateLimit.requests, 1) ||
        !isCount(rateLimit.windowSeconds, 1)
      ) {
        problems.push(
          `${at}: rateLimit needs requests and windowSeconds of at least 1`,
        );
      } else {
        for (const field of Object.keys(rateLimit))
          if (!RATE_FIELDS.has(field))
            problems.push(`${at}: rateLimit: unknown field "${field}"`);
      }
    }
    const quota = entry.quota;
    if (quota !== undefined) {
      if (
        !isObject(quota) ||
        (quota.period !== 'day' && quota.period !== 'month') ||
        (quota.tokens !== undefined && !isCount(quota.tokens)) ||
        (quota.premiumRequests !== undefined &&
          !isAmount(quota.premiumRequests)) ||
        (quota.credits !== undefined && !isAmount(quota.credits)) ||
        (quota.tokens === undefined &&
          quota.premiumRequests === undefined &&
          quota.credits === undefined)
      ) {
        problems.push(
          `${at}: quota needs period day or month and tokens, premiumRequests and/or credits of at least 0`,
        );
      } else {
        for (const field of Object.keys(quota))
          if (!QUOTA_FIELDS.has(field))
            problems.push(`${at}: quota: unknown field "${field}"`);
      }
    }
    if (
      entry.readAllUsage !== undefined &&
      typeof entry.readAllUsage !== 'boolean'
    )
      problems.push(`${at}: readAllUsage must be true or false`);
    if (
      entry.initiator !== undefined &&
      entry.initiator !== 'client' &&
      entry.initiator !== 'infer'
    )
      problems.push(`${at}: initiator must be client or infer`);
    if (
      entry.seat !== undefined &&
      entry.seat !== 'own' &&
      entry.seat !== 'shared'
    )
      problems.push(`${at}: seat must be own or shared`);
    if (problems.length > before || !digest) return;
    keys.push({
      name: name as string,
      digest,
      ...(rateLimit !== undefined && {
        rateLimit: rateLimit as ClientKey['rateLimit'],
      }),
      ...(quota !== undefined && { quota: quota as ClientKey['quota'] }),
      readAllUsage: entry.readAllUsage === true,
      initiator: entry.initiator === 'infer' ? 'infer' : 'client',
      ...(entry.seat === 'own' && { seat: 'own' as const }),
    });
  });
  return keys;
}
