import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { DEFAULT_COPILOT_API_BASE_URL } from '../config/copilot.config';
import type { Settings } from '../config/settings';
import { MetricsService } from '../metrics/metrics.service';
import { AxiosTransport } from './axios-transport';
import { CopilotClient } from './copilot-client';
import { CopilotHealthIndicator } from './copilot.health';
import {
  COPILOT_TOKEN_PROVIDER,
  CopilotTokenProvider,
} from './token/copilot-token.provider';
import { ExchangingTokenProvider } from './token/exchanging-token.provider';
import { GithubTokenExchange } from './token/github-token-exchange';
import { StaticTokenProvider } from './token/static-token.provider';
import { NoLoginProvider } from './token/no-login.provider';
import { UpstreamTransport } from './upstream-transport';
import { CopilotFingerprint } from './copilot-fingerprint';
import { githubHeaders } from './copilot-headers';
import { TracingService } from '../tracing/tracing.service';

/**
 * Static mode with `COPILOT_TOKEN`; otherwise the GitHub token is exchanged; with
 * neither, every key uses its own seat (SPEC §14) and there is no shared login.
 */
function tokenProvider(
  settings: ConfigService<Settings, true>,
  metrics: MetricsService,
  tracing: TracingService,
): CopilotTokenProvider {
  const config = settings.get('copilot', { infer: true });
  if (config.copilotToken) {
    return new StaticTokenProvider(
      config.copilotToken,
      config.apiBaseUrl ?? DEFAULT_COPILOT_API_BASE_URL,
    );
  }
  if (!config.githubToken) return new NoLoginProvider();
  const github = new GithubTokenExchange(
    config.githubApiBaseUrl,
    config.githubToken,
    githubHeaders(config.fingerprint),
  );
  return new ExchangingTokenProvider(
    {
      exchange: (now) =>
        tracing.run('copilot.token_exchange', () => github.exchange(now)),
    },
    config.apiBaseUrl,
    DEFAULT_COPILOT_API_BASE_URL,
    metrics,
    config.githubToken,
  );
}

@Global()
@Module({
  imports: [TerminusModule],
  providers: [
    CopilotClient,
    CopilotHealthIndicator,
    CopilotFingerprint,
    { provide: UpstreamTransport, useClass: AxiosTransport },
    {
      provide: COPILOT_TOKEN_PROVIDER,
      inject: [ConfigService, MetricsService, TracingService],
      useFactory: tokenProvider,
    },
  ],
  exports: [
    CopilotClient,
    COPILOT_TOKEN_PROVIDER,
    CopilotHealthIndicator,
    CopilotFingerprint,
  ],
})
export class CopilotModule {}
