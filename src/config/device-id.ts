import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configDir } from './saved-token';

/** A device id as editors send it: a UUID. */
export const DEVICE_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function deviceIdPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'device-id');
}

/**
 * This installation's `Editor-Device-Id` (COPILOT-QUIRKS §8.1: "stable UUID per
 * install"): a random UUID kept in the config folder, made on the first start.
 * Never derived from a credential. When the folder cannot be written (a
 * read-only container), undefined: the process then uses one of its own.
 */
export function readOrCreateDeviceId(
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const file = deviceIdPath(env);
  try {
    const saved = readFileSync(file, 'utf8').trim();
    if (DEVICE_ID.test(saved)) return saved;
  } catch {
    // none yet
  }
  try {
    const id = randomUUID();
    const dir = configDir(env);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${id}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return id;
  } catch {
    return undefined;
  }
}
