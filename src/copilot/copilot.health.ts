import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import {
  COPILOT_TOKEN_PROVIDER,
  CopilotTokenProvider,
} from './token/copilot-token.provider';

/** Up while a Copilot token is held or can be obtained. */
@Injectable()
export class CopilotHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(COPILOT_TOKEN_PROVIDER)
    private readonly tokens: CopilotTokenProvider,
  ) {}

  check() {
    const indicator = this.health.check('copilot_token');
    const { ready, detail } = this.tokens.status();
    return ready ? indicator.up({ detail }) : indicator.down({ detail });
  }
}
