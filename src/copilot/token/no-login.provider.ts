import { ProxyError } from '../../errors/proxy-error';
import type {
  CopilotCredentials,
  CopilotTokenProvider,
} from './copilot-token.provider';

/**
 * The proxy's "login" when it has none: every key uses its holder's own seat
 * (SPEC §14), so nothing needs a shared token and readiness does not wait for one.
 * A request that would use it (a shared key added by a keys reload) is refused.
 */
export class NoLoginProvider implements CopilotTokenProvider {
  readonly canRefresh = false;

  getCredentials(): Promise<CopilotCredentials> {
    return Promise.reject(
      new ProxyError('copilot_token_unavailable', {
        message:
          'This proxy has no Copilot login of its own: its keys use their holders\' own seats ("seat: own" in the keys file)',
      }),
    );
  }

  refreshAfterRejection(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  rejectedAfterRefresh(): void {}

  status() {
    return {
      ready: true,
      detail: 'no login of its own: every key uses its own seat',
    };
  }
}
