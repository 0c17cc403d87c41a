import { isIP } from 'node:net';
import { EnvReader } from './env-reader';

export function readAuthConfig(env: EnvReader) {
  return {
    /** Keys clients must present; empty means anonymous access. */
    apiKeys: env.list('PROXY_API_KEYS'),
    /** Named keys with limits and quotas (YAML or JSON), re-read on SIGHUP. */
    keysFile: env.string('PROXY_KEYS_FILE'),
    allowAnonymous: env.boolean('PROXY_ALLOW_ANONYMOUS', false),
    /**
     * Express `trust proxy`: `false` (default), `true`, a hop count, or a list of
     * addresses/subnets. Only then does `X-Forwarded-For` decide the client IP.
     */
    trustProxy: readTrustProxy(env),
  };
}
export type AuthConfig = ReturnType<typeof readAuthConfig>;

/** Express's own names for address ranges in `trust proxy`. */
const TRUST_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function readTrustProxy(env: EnvReader): boolean | number | string {
  const raw = env.string('TRUST_PROXY');
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const bad = raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => !TRUST_NAMES.has(part) && !isAddressOrSubnet(part));
  if (bad.length > 0) {
    env.problems.push(
      `TRUST_PROXY must be true, false, a hop count, or addresses/subnets (loopback, 10.0.0.0/8, …) (got "${raw}")`,
    );
    return false;
  }
  return raw;
}

function isAddressOrSubnet(value: string): boolean {
  const [address, bits, extra] = value.split('/');
  if (extra !== undefined || isIP(address) === 0) return false;
  if (bits === undefined) return true;
  const max = isIP(address) === 4 ? 32 : 128;
  return /^\d+$/.test(bits) && Number(bits) <= max;
}

/** Loopback addresses: the only ones the proxy may serve without keys by default. */
export function isLoopback(host: string): boolean {
  return (
    host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
  );
}
