import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Settings } from '../config/settings';
import type { UpstreamHeaderPolicy } from '../http/header-policy';
import { MetricsService } from '../metrics/metrics.service';
import { copilotHeaders, Fingerprint, githubHeaders } from './copilot-headers';

/** How often the 466 warning may be repeated. */
const WARN_EVERY_MS = 10 * 60_000;

/**
 * The editor this proxy presents to Copilot: the headers added to model calls
 * and GitHub calls, and what to say when Copilot refuses it. Since 2026-02-11
 * Copilot answers 466 to fingerprints it considers too old; that answer passes
 * to the client as it came, is counted, and a warning names the settings to
 * change.
 */
@Injectable()
export class CopilotFingerprint {
  private readonly logger = new Logger('Copilot');
  readonly fingerprint: Fingerprint;
  /** The header policy of every proxied request. */
  readonly policy: UpstreamHeaderPolicy;
  readonly github: Readonly<Record<string, string>>;
  private lastWarning = 0;
  /** Each seat warns on its own (SPEC §14): by its GitHub login. */
  private readonly seatWarnings = new Map<string, number>();

  constructor(
    config: ConfigService<Settings, true>,
    private readonly metrics: MetricsService,
  ) {
    const copilot = config.get('copilot', { infer: true });
    this.fingerprint = copilot.fingerprint;
    this.policy = {
      defaults: copilotHeaders(copilot.fingerprint, copilot.deviceId),
      keepClientIdentity: copilot.keepClientIdentity,
    };
    this.github = githubHeaders(copilot.fingerprint);
  }

  /**
   * Looks at an upstream status: 466 means the fingerprint is too old. A seat's
   * answer (`seatLogin`) warns for that seat, on its own schedule.
   */
  observe(status: number, seatLogin?: string): void {
    if (status !== 466) return;
    this.metrics.versionRejections.inc();
    const now = Date.now();
    const last =
      seatLogin === undefined
        ? this.lastWarning
        : (this.seatWarnings.get(seatLogin) ?? 0);
    if (now - last < WARN_EVERY_MS) return;
    if (seatLogin === undefined) this.lastWarning = now;
    else this.seatWarnings.set(seatLogin, now);
    const { editorVersion, chatVersion } = this.fingerprint;
    const whose = seatLogin === undefined ? '' : ` on the seat of ${seatLogin}`;
    this.logger.warn(
      `Copilot answered 466${whose} (this client version is no longer supported): set COPILOT_EDITOR_VERSION (now ${editorVersion}) and COPILOT_CHAT_VERSION (now ${chatVersion}) to a current VS Code and Copilot Chat release`,
    );
  }
}
