import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import axios, { AxiosInstance } from 'axios';
import type { Settings } from '../config/settings';
import { githubHeaders } from '../copilot/copilot-headers';
import { MetricsService } from '../metrics/metrics.service';

const SNAPSHOT_PREFIX = 'x-quota-snapshot-';
const USER_CACHE_MS = 60_000;

export interface QuotaSnapshot {
  /** The header's fields (`ent`, `ov`, `ovPerm`, `rem`, `rst`). */
  fields: Record<string, string>;
  seenAt: string;
}

/** One quota header as last seen, its fields parsed when read. */
interface SeenSnapshot {
  raw: string;
  seenAt: number;
  /** The fields of `parsedRaw`, parsed on the first read after a change. */
  fields?: Record<string, string>;
  parsedRaw?: string;
}

/** `x` in either case: the first letter of every header `observe` looks at. */
const LETTER_X = 0x78;

/**
 * What the Copilot account has left: GitHub's `copilot_internal/user` (dynamic
 * mode, fetched at most every 60 s) and the latest `x-quota-snapshot-*` headers
 * seen on answers (either mode; they lag real use). Also counts upstream 429s by
 * the limit they name.
 */
@Injectable()
export class CopilotAccount {
  /** By the header's lower-case name, `x-quota-snapshot-<quota>`. */
  private readonly snapshots = new Map<string, SeenSnapshot>();
  /** Each seat's own snapshots, by its account (SPEC §14). */
  private readonly seatSnapshots = new Map<string, Map<string, SeenSnapshot>>();
  private readonly http: AxiosInstance | undefined;
  private user: { at: number; value: Promise<unknown> } | undefined;

  constructor(
    config: ConfigService<Settings, true>,
    private readonly metrics: MetricsService,
  ) {
    const copilot = config.get('copilot', { infer: true });
    if (copilot.githubToken && !copilot.copilotToken) {
      this.http = axios.create({
        baseURL: copilot.githubApiBaseUrl,
        timeout: 10_000,
        maxRedirects: 0,
        proxy: false,
        validateStatus: () => true,
        headers: {
          ...githubHeaders(copilot.fingerprint),
          authorization: `token ${copilot.githubToken}`,
        },
      });
    }
  }

  /**
   * Looks at an upstream answer's headers: quota snapshots, rate-limit names.
   * A seat's answer (`seatAccount`) updates that seat's snapshots only.
   * Runs on every answer, so a snapshot is only kept as it came (with the time);
   * its fields are parsed when read, and only when the value changed.
   */
  observe(
    status: number,
    rawHeaders: readonly string[],
    seatAccount?: string,
  ): void {
    let limit: string | undefined;
    let now = 0;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      if ((rawHeaders[i].charCodeAt(0) | 0x20) !== LETTER_X) continue;
      const name = rawHeaders[i].toLowerCase();
      if (name.startsWith(SNAPSHOT_PREFIX)) {
        now ||= Date.now();
        let snapshots = this.snapshots;
        if (seatAccount !== undefined) {
          snapshots = this.seatSnapshots.get(seatAccount) ?? new Map();
          this.seatSnapshots.set(seatAccount, snapshots);
        }
        const seen = snapshots.get(name);
        if (seen) {
          seen.raw = rawHeaders[i + 1];
          seen.seenAt = now;
        } else {
          snapshots.set(name, { raw: rawHeaders[i + 1], seenAt: now });
        }
      } else if (name === 'x-ratelimit-exceeded') {
        limit = rawHeaders[i + 1];
      }
    }
    if (status === 429) {
      this.metrics.upstreamRateLimited.inc({
        limit: limit && /^[\w.-]{1,64}$/.test(limit) ? limit : 'unknown',
      });
    }
  }

  /** The latest snapshot per quota (`premium_interactions`, `chat`, …). */
  quotaSnapshots(seatAccount?: string): Record<string, QuotaSnapshot> {
    const snapshots =
      seatAccount === undefined
        ? this.snapshots
        : (this.seatSnapshots.get(seatAccount) ??
          new Map<string, SeenSnapshot>());
    const out: Record<string, QuotaSnapshot> = {};
    for (const [name, seen] of snapshots) {
      if (seen.parsedRaw !== seen.raw) {
        seen.fields = Object.fromEntries(new URLSearchParams(seen.raw));
        seen.parsedRaw = seen.raw;
      }
      out[name.slice(SNAPSHOT_PREFIX.length)] = {
        fields: seen.fields ?? {},
        seenAt: new Date(seen.seenAt).toISOString(),
      };
    }
    return out;
  }

  /** `copilot_internal/user` in dynamic mode, or null (static mode, or it failed). */
  async userInfo(): Promise<unknown> {
    if (!this.http) return null;
    const now = Date.now();
    if (!this.user || now - this.user.at > USER_CACHE_MS) {
      const http = this.http;
      this.user = {
        at: now,
        value: http.get('/copilot_internal/user').then(
          (res) => (res.status === 200 ? pickUser(res.data) : null),
          () => null,
        ),
      };
    }
    return this.user.value;
  }
}

/** The account's plan and quotas; nothing that identifies a token. */
export function pickUser(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  return {
    login: d.login,
    copilot_plan: d.copilot_plan,
    access_type_sku: d.access_type_sku,
    quota_reset_date: d.quota_reset_date,
    quota_snapshots: d.quota_snapshots ?? null,
    limited_user_quotas: d.limited_user_quotas,
    monthly_quotas: d.monthly_quotas,
  };
}
