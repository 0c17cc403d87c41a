type Env = Record<string, string | undefined>;

/**
 * Reads typed values out of the environment and collects every problem instead of
 * throwing at the first, so that a bad start names all bad variables at once.
 * Messages name the variable but never echo its value: it may be a secret.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  string(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === ''
      ? undefined
      : value.trim();
  }

  port(name: string, fallback: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < 0 || value > 65535) {
      this.problems.push(
        `${name} must be a port number from 0 to 65535 (got "${raw}")`,
      );
      return fallback;
    }
    return value;
  }

  integer(name: string, fallback: number, min = 0): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || value < min || !Number.isSafeInteger(value)) {
      this.problems.push(
        `${name} must be a whole number of at least ${min} (got "${raw}")`,
      );
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const lower = raw.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(lower)) return true;
    if (['false', '0', 'no', 'off'].includes(lower)) return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  /** An http(s) origin or base URL, returned without a trailing slash. */
  url(name: string, fallback: string | undefined): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    let parsed: URL | undefined;
    try {
      parsed = new URL(raw);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
      this.problems.push(`${name} must be an absolute http:// or https:// URL`);
      return fallback;
    }
    if (parsed.search || parsed.hash || parsed.username || parsed.password) {
      this.problems.push(
        `${name} must not carry credentials, a query or a fragment`,
      );
      return fallback;
    }
    return raw.replace(/\/+$/, '');
  }

  /** A secret: never echoed in a problem message. */
  secret(name: string): string | undefined {
    const raw = this.string(name);
    if (raw !== undefined && /\s/.test(raw)) {
      this.problems.push(`${name} must not contain white space`);
      return undefined;
    }
    return raw;
  }

  list(name: string): string[] {
    const raw = this.string(name);
    if (raw === undefined) return [];
    return raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(
        `${name} must be one of ${allowed.join(', ')} (got "${raw}")`,
      );
      return fallback;
    }
    return raw as T;
  }
}
