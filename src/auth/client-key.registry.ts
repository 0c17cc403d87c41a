import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { readFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import { readClientKeys, Settings } from '../config/settings';
import { ClientKey, sha256 } from './client-keys';

/**
 * The client keys in force. Matching compares SHA-256 digests with
 * `timingSafeEqual`, every key every time, so neither a key's content nor its
 * length leaks through timing. `SIGHUP` re-reads `PROXY_KEYS_FILE` without
 * touching a connection; a file with problems keeps the keys in force and logs why.
 */
@Injectable()
export class ClientKeyRegistry
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('Keys');
  private keys: ClientKey[];
  private byName: Map<string, ClientKey>;
  private readonly auth: Settings['auth'];

  constructor(config: ConfigService<Settings, true>) {
    this.auth = config.get('auth', { infer: true });
    this.keys = this.auth.clientKeys;
    this.byName = new Map(this.keys.map((k) => [k.name, k]));
  }

  get all(): readonly ClientKey[] {
    return this.keys;
  }

  named(name: string): ClientKey | undefined {
    return this.byName.get(name);
  }

  match(presented: string): ClientKey | undefined {
    const offered = sha256(presented);
    let found: ClientKey | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(offered, key.digest)) found = key;
    }
    return found;
  }

  /** Re-reads the keys file; returns whether the new keys are in force. */
  reload(readFile = (path: string) => readFileSync(path, 'utf8')): boolean {
    const { keys, problems } = readClientKeys(this.auth, readFile);
    if (problems.length > 0) {
      this.logger.warn(
        `keys file not reloaded, the previous ${this.keys.length} key(s) stay in force:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      );
      return false;
    }
    this.keys = keys;
    this.byName = new Map(keys.map((k) => [k.name, k]));
    this.logger.log(`keys file reloaded: ${keys.length} key(s)`);
    return true;
  }

  private readonly onHangup = (): void => {
    this.reload();
  };

  onApplicationBootstrap(): void {
    if (this.auth.keysFile !== undefined) process.on('SIGHUP', this.onHangup);
  }

  onApplicationShutdown(): void {
    process.off('SIGHUP', this.onHangup);
  }
}
