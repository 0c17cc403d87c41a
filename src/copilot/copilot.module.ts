import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import {
  copilotConfig,
  CopilotConfig,
  DEFAULT_COPILOT_API_BASE_URL,
} from '../config/copilot.config';
import { MetricsService } from '../metrics/metrics.service';
import { CopilotClient } from './copilot-client';
import { CopilotHealthIndicator } from './copilot.health';
import {
  COPILOT_TOKEN_PROVIDER,
  CopilotTokenProvider,
} from './token/copilot-token.provider';
import { ExchangingTokenProvider } from './token/exchanging-token.provider';
import { GithubTokenExchange } from './token/github-token-exchange';
import { StaticTokenProvider } from './token/static-token.provider';

/** Static mode with `COPILOT_TOKEN`; otherwise the GitHub token is exchanged. */
function tokenProvider(
  config: CopilotConfig,
  metrics: MetricsService,
): CopilotTokenProvider {
  if (config.copilotToken) {
    return new StaticTokenProvider(
      config.copilotToken,
      config.apiBaseUrl ?? DEFAULT_COPILOT_API_BASE_URL,
    );
  }
  return new ExchangingTokenProvider(
    new GithubTokenExchange(config.githubApiBaseUrl, config.githubToken!),
    config.apiBaseUrl,
    DEFAULT_COPILOT_API_BASE_URL,
    metrics,
  );
}

@Global()
@Module({
  imports: [TerminusModule],
  providers: [
    CopilotClient,
    CopilotHealthIndicator,
    {
      provide: COPILOT_TOKEN_PROVIDER,
      inject: [copilotConfig.KEY, MetricsService],
      useFactory: tokenProvider,
    },
  ],
  exports: [CopilotClient, COPILOT_TOKEN_PROVIDER, CopilotHealthIndicator],
})
export class CopilotModule {}
