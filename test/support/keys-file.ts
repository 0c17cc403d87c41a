import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A keys file holding `yaml`, in a fresh folder; returns its path. */
export function keysFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'copilot-keys-')), 'keys.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** The hex SHA-256 of a key (a keys file's `digest: sha256:<this>`). */
export const sha256Hex = (key: string): string =>
  createHash('sha256').update(key).digest('hex');

/** The name the proxy gives a `PROXY_API_KEYS` entry: `key-` and 8 hex digits of its digest. */
export const apiKeyName = (key: string): string =>
  `key-${sha256Hex(key).slice(0, 8)}`;
