import { Global, Module } from '@nestjs/common';
import { copilotConfig, CopilotConfig } from '../config/copilot.config';
import { TerminusModule } from '@nestjs/terminus';
import { CopilotClient } from './copilot-client';
import { CopilotHealthIndicator } from './copilot.health';
import { COPILOT_TOKEN_PROVIDER } from './token/copilot-token.provider';
import { StaticTokenProvider } from './token/static-token.provider';

@Global()
@Module({
  imports: [TerminusModule],
  providers: [
    CopilotClient,
    CopilotHealthIndicator,
    {
      provide: COPILOT_TOKEN_PROVIDER,
      inject: [copilotConfig.KEY],
      useFactory: (config: CopilotConfig) =>
        new StaticTokenProvider(config.copilotToken!, config.apiBaseUrl!),
    },
  ],
  exports: [CopilotClient, COPILOT_TOKEN_PROVIDER, CopilotHealthIndicator],
})
export class CopilotModule {}
