import {
  accountId,
  CopilotCredentials,
  CopilotTokenProvider,
} from './copilot-token.provider';

export class StaticTokenProvider implements CopilotTokenProvider {
  readonly canRefresh = false;
  private readonly credentials: CopilotCredentials;

  constructor(token: string, apiBaseUrl: string) {
    this.credentials = {
      token,
      apiBaseUrl,
      account: accountId(token, apiBaseUrl),
    };
  }

  getCredentials(): Promise<CopilotCredentials> {
    return Promise.resolve(this.credentials);
  }

  refreshAfterRejection(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  rejectedAfterRefresh(): void {}

  status() {
    return { ready: true, detail: 'static COPILOT_TOKEN' };
  }
}
