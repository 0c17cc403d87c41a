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

/**
 * What the Copilot account has left: GitHub's `copilot_internal/user` (dynamic
 * mode, fetched at most every 60 s) and the latest `x-quota-snapshot-*` headers
 * seen on answers (either mode; they lag real use). Also counts upstream 429s by
 * the limit they name.
 */
@Injectable()
export class CopilotAccount {
  private readonly snapshots = new Map<string, QuotaSnapshot>();
  /** Each seat's own snapshots, by its account (SPEC §14). */
  private readonly seatSnapshots = new Map<
    string,
    Map<string, QuotaSnapshot>
  >();
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
   */
  observe(
    status: number,
    rawHeaders: readonly string[],
    seatAccount?: string,
  ): void {
    let limit: string | undefined;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i].toLowerCase();
      if (name.startsWith(SNAPSHOT_PREFIX)) {
        let snapshots = this.snapshots;
        if (seatAccount !== undefined) {
          snapshots = this.seatSnapshots.get(seatAccount) ?? new Map();
          this.seatSnapshots.set(seatAccount, snapshots);
        }
        snapshots.set(name.slice(SNAPSHOT_PREFIX.length), {
          fields: Object.fromEntries(new URLSearchParams(rawHeaders[i + 1])),
          seenAt: new Date().toISOString(),
        });
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
    if (seatAccount === undefined) return Object.fromEntries(this.snapshots);
    return Object.fromEntries(this.seatSnapshots.get(seatAccount) ?? []);
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
