import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
} from 'node:crypto';

/** A linked seat as it is kept: the GitHub token sealed, the rest in clear. */
interface SealedSeat {
  v: 1;
  login: string;
  linkedAt: string;
  iv: string;
  tag: string;
  token: string;
}

/** A seat opened with the secret. */
export interface OpenSeat {
  login: string;
  linkedAt: string;
  githubToken: string;
  /** Set when it was sealed under `SEATS_SECRET_PREVIOUS`: the record resealed under the current secret. */
  resealed?: string;
}

const SALT = 'copilot-proxy/seats/v1';
const INFO = 'aes-256-gcm github token';

function deriveKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, SALT, INFO, 32));
}

/**
 * Seals linked GitHub tokens with AES-256-GCM under a key derived (HKDF-SHA256)
 * from `SEATS_SECRET`, a fresh 96-bit IV each time. The additional data binds a
 * record to its key name and login: a sealed token copied to another key's
 * record does not open. Records sealed under `SEATS_SECRET_PREVIOUS` still open,
 * and come back resealed under the current secret.
 */
export class SeatCipher {
  private readonly key: Buffer;
  private readonly previous: Buffer | undefined;

  constructor(secret: string, previousSecret?: string) {
    this.key = deriveKey(secret);
    this.previous =
      previousSecret === undefined ? undefined : deriveKey(previousSecret);
  }

  seal(keyName: string, login: string, githubToken: string): string {
    return this.sealWith(this.key, keyName, {
      login,
      linkedAt: new Date().toISOString(),
      githubToken,
    });
  }

  /** Opens a record; undefined when neither secret opens it (or it is damaged). */
  open(keyName: string, sealed: string): OpenSeat | undefined {
    let record: SealedSeat;
    try {
      record = JSON.parse(sealed) as SealedSeat;
    } catch {
      return undefined;
    }
    if (record?.v !== 1 || typeof record.login !== 'string') return undefined;
    const current = this.openWith(this.key, keyName, record);
    if (current !== undefined) return current;
    if (!this.previous) return undefined;
    const old = this.openWith(this.previous, keyName, record);
    if (old === undefined) return undefined;
    return {
      ...old,
      resealed: this.sealWith(this.key, keyName, old),
    };
  }

  /** The login of a record, without opening it. */
  static loginOf(sealed: string): string | undefined {
    try {
      const login = (JSON.parse(sealed) as Partial<SealedSeat>).login;
      return typeof login === 'string' ? login : undefined;
    } catch {
      return undefined;
    }
  }

  private sealWith(key: Buffer, keyName: string, seat: OpenSeat): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad(keyName, seat.login));
    const token = Buffer.concat([
      cipher.update(seat.githubToken, 'utf8'),
      cipher.final(),
    ]);
    const record: SealedSeat = {
      v: 1,
      login: seat.login,
      linkedAt: seat.linkedAt,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      token: token.toString('base64'),
    };
    return JSON.stringify(record);
  }

  private openWith(
    key: Buffer,
    keyName: string,
    record: SealedSeat,
  ): OpenSeat | undefined {
    try {
      const iv = Buffer.from(record.iv, 'base64');
      const tag = Buffer.from(record.tag, 'base64');
      // A short tag would lower the forgery bound (Node accepts 4 bytes).
      if (iv.length !== 12 || tag.length !== 16) return undefined;
      const decipher = createDecipheriv('aes-256-gcm', key, iv, {
        authTagLength: 16,
      });
      decipher.setAAD(aad(keyName, record.login));
      decipher.setAuthTag(tag);
      const githubToken = Buffer.concat([
        decipher.update(Buffer.from(record.token, 'base64')),
        decipher.final(),
      ]).toString('utf8');
      return { login: record.login, linkedAt: record.linkedAt, githubToken };
    } catch {
      return undefined;
    }
  }
}

function aad(keyName: string, login: string): Buffer {
  return Buffer.from(`copilot-proxy seat\0${keyName}\0${login}`, 'utf8');
}
