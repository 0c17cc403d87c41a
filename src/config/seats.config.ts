import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ClientKey } from '../auth/client-keys';
import { EnvReader } from './env-reader';

/** The shortest `SEATS_SECRET` accepted. */
export const SEATS_SECRET_MIN_LENGTH = 32;

/**
 * Per-person seats (SPEC §14): the secret linked GitHub tokens are encrypted
 * under, the allowlists a link must pass, and the file they are kept in
 * without Redis. The secret is required only when a key has `seat: own`.
 */
export function readSeatsConfig(env: EnvReader, clientKeys: ClientKey[]) {
  const ownSeats = clientKeys.some((key) => key.seat === 'own');
  const secret = env.string('SEATS_SECRET');
  const previousSecret = env.string('SEATS_SECRET_PREVIOUS');
  if (ownSeats && (secret?.length ?? 0) < SEATS_SECRET_MIN_LENGTH) {
    env.problems.push(
      `SEATS_SECRET must be set to at least ${SEATS_SECRET_MIN_LENGTH} characters: a key has "seat: own", and linked GitHub tokens are encrypted under it (e.g. openssl rand -base64 48)`,
    );
  }
  if (
    previousSecret !== undefined &&
    previousSecret.length < SEATS_SECRET_MIN_LENGTH
  ) {
    env.problems.push(
      `SEATS_SECRET_PREVIOUS must be at least ${SEATS_SECRET_MIN_LENGTH} characters`,
    );
  }
  const configHome =
    env.string('XDG_CONFIG_HOME') ?? join(homedir(), '.config');
  return {
    /** Some key uses its own seat: the seats feature is on. */
    enabled: ownSeats,
    secret: ownSeats ? secret : undefined,
    previousSecret: ownSeats ? previousSecret : undefined,
    /** Lower-cased GitHub logins a link may be to (empty: any). */
    allowedLogins: env.list('SEATS_ALLOWED_LOGINS').map((l) => l.toLowerCase()),
    /** Lower-cased GitHub organisations a linked login may belong to (empty: any). */
    allowedOrgs: env.list('SEATS_ALLOWED_ORGS').map((o) => o.toLowerCase()),
    /** Where linked seats are kept without `REDIS_URL` (0600). */
    file: join(configHome, 'copilot-proxy', 'seats.json'),
  };
}
export type SeatsConfig = ReturnType<typeof readSeatsConfig>;
