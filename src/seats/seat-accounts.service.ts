import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import axios from 'axios';
import type { Settings } from '../config/settings';
import { CopilotFingerprint } from '../copilot/copilot-fingerprint';
import { GithubTokenExchange } from '../copilot/token/github-token-exchange';
import { ProxyError } from '../errors/proxy-error';
import { MetricsService } from '../metrics/metrics.service';
import { pickUser } from '../usage/copilot-account.service';
import { SeatCipher } from './seat-cipher';
import { SeatStore } from './seat-store';
import { SeatTokens } from './seat-tokens';

const USER_CACHE_MS = 60_000;

/** A linked seat, held while its record stays the same. */
export interface Seat {
  login: string;
  linkedAt: string;
  tokens: SeatTokens;
  /** The seat's `copilot_internal/user` (plan and quotas), at most every 60 s. */
  userInfo(): Promise<unknown>;
}

/**
 * Each linked seat as an account of its own (SPEC §14): its record read from the
 * store on every use (so an unlink or a relink on another replica holds at once),
 * opened with `SEATS_SECRET` only when it changed, and its token provider kept
 * while it stays the same. A record sealed under `SEATS_SECRET_PREVIOUS` is
 * written back sealed under the current secret.
 */
@Injectable()
export class SeatAccounts implements OnApplicationShutdown {
  private readonly logger = new Logger('Seats');
  private readonly held = new Map<string, { sealed: string; seat: Seat }>();
  private readonly opening = new Map<string, Promise<Seat | undefined>>();
  private readonly cipher: SeatCipher | undefined;
  private readonly copilot: Settings['copilot'];

  constructor(
    private readonly store: SeatStore,
    private readonly fingerprint: CopilotFingerprint,
    private readonly metrics: MetricsService,
    config: ConfigService<Settings, true>,
  ) {
    const seats = config.get('seats', { infer: true });
    this.copilot = config.get('copilot', { infer: true });
    this.cipher = seats.secret
      ? new SeatCipher(seats.secret, seats.previousSecret)
      : undefined;
  }

  /** Seats can be linked: `SEATS_SECRET` is set. */
  get enabled(): boolean {
    return this.cipher !== undefined;
  }

  /**
   * The key's linked seat, or undefined when it has none (or it cannot be
   * opened). One look-up per key at a time: parallel first calls (Claude Code
   * opens several at once) share one seat, never two token providers.
   */
  seat(keyName: string): Promise<Seat | undefined> {
    let opening = this.opening.get(keyName);
    if (!opening) {
      opening = this.open(keyName).finally(() => this.opening.delete(keyName));
      this.opening.set(keyName, opening);
    }
    return opening;
  }

  private async open(keyName: string): Promise<Seat | undefined> {
    if (!this.cipher) return undefined;
    const held = this.held.get(keyName);
    let sealed: string | undefined;
    try {
      sealed = await this.store.get(keyName);
    } catch {
      // The store is away: a seat already held keeps serving.
      if (held) return held.seat;
      throw new ProxyError('seats_unavailable', {
        headers: { 'retry-after': '5' },
      });
    }
    if (held?.sealed === sealed) return held?.seat;
    if (held) this.forget(keyName);
    if (sealed === undefined) return undefined;
    const opened = this.cipher.open(keyName, sealed);
    if (!opened) {
      this.logger.warn(
        `the seat of key ${keyName} does not open with SEATS_SECRET (nor SEATS_SECRET_PREVIOUS): it answers as unlinked until linked again`,
      );
      return undefined;
    }
    if (opened.resealed !== undefined) {
      await this.store.put(keyName, opened.resealed).then(
        () => (sealed = opened.resealed),
        () => undefined,
      );
      this.logger.log(
        `the seat of key ${keyName} is re-encrypted under SEATS_SECRET`,
      );
    }
    const seat = this.build(opened.login, opened.linkedAt, opened.githubToken);
    this.held.set(keyName, { sealed, seat });
    return seat;
  }

  /** The login linked to a key, read from the store without opening the token. */
  async linkedLogin(keyName: string): Promise<string | undefined> {
    if (!this.cipher) return undefined;
    const sealed = await this.store.get(keyName).catch(() => {
      throw new ProxyError('seats_unavailable', {
        headers: { 'retry-after': '5' },
      });
    });
    return sealed === undefined ? undefined : SeatCipher.loginOf(sealed);
  }

  /** Links (or relinks) a key to a GitHub token: sealed, then stored. */
  async link(
    keyName: string,
    login: string,
    githubToken: string,
  ): Promise<void> {
    if (!this.cipher) throw new ProxyError('seat_not_linked');
    await this.store.put(
      keyName,
      this.cipher.seal(keyName, login, githubToken),
    );
    this.forget(keyName);
  }

  /** Unlinks a key: its record deleted, its tokens dropped. */
  async unlink(keyName: string): Promise<void> {
    await this.store.delete(keyName).catch(() => {
      throw new ProxyError('seats_unavailable', {
        headers: { 'retry-after': '5' },
      });
    });
    this.forget(keyName);
  }

  onApplicationShutdown(): void {
    for (const name of [...this.held.keys()]) this.forget(name);
  }

  private forget(keyName: string): void {
    this.held.get(keyName)?.seat.tokens.stop();
    this.held.delete(keyName);
  }

  private build(login: string, linkedAt: string, githubToken: string): Seat {
    const { githubApiBaseUrl, apiBaseUrl } = this.copilot;
    const headers = this.fingerprint.github;
    const tokens = new SeatTokens(
      new GithubTokenExchange(githubApiBaseUrl, githubToken, headers),
      login,
      apiBaseUrl,
      this.metrics,
      githubToken,
    );
    const http = axios.create({
      baseURL: githubApiBaseUrl,
      timeout: 10_000,
      maxRedirects: 0,
      proxy: false,
      validateStatus: () => true,
      headers: { ...headers, authorization: `token ${githubToken}` },
    });
    let user: { at: number; value: Promise<unknown> } | undefined;
    return {
      login,
      linkedAt,
      tokens,
      userInfo: () => {
        const now = Date.now();
        if (!user || now - user.at > USER_CACHE_MS) {
          user = {
            at: now,
            value: http.get('/copilot_internal/user').then(
              (res) => (res.status === 200 ? pickUser(res.data) : null),
              () => null,
            ),
          };
        }
        return user.value;
      },
    };
  }
}
