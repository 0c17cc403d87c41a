import { ConfigValidationError, parseSettings } from './settings';
import { readAppConfig } from './app.config';
import { readCopilotConfig } from './copilot.config';
import { EnvReader } from './env-reader';

const problemsOf = (env: Record<string, string>) => {
  try {
    parseSettings(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
};

describe('parseSettings', () => {
  it('accepts a static token with defaults', () => {
    expect(problemsOf({ COPILOT_TOKEN: 'tok' })).toEqual([]);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({
      PROXY_PORT: 'abc',
      COPILOT_API_BASE_URL: 'api.example.com',
      UPSTREAM_TIMEOUT_MS: '-1',
      SHUTDOWN_TIMEOUT_MS: '1.5',
      LOG_LEVEL: 'loud',
    });
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(
      /PROXY_PORT[\s\S]*COPILOT_API_BASE_URL|COPILOT_API_BASE_URL[\s\S]*PROXY_PORT/,
    );
    for (const name of [
      'PROXY_PORT',
      'COPILOT_API_BASE_URL',
      'UPSTREAM_TIMEOUT_MS',
      'SHUTDOWN_TIMEOUT_MS',
      'LOG_LEVEL',
      'COPILOT_TOKEN',
    ]) {
      expect(problems.join('\n')).toContain(name);
    }
  });

  it('rejects both modes at once without echoing either token', () => {
    const problems = problemsOf({
      COPILOT_TOKEN: 'copilot-secret',
      GITHUB_TOKEN: 'gho_secret',
    });
    expect(problems).toEqual([
      'COPILOT_TOKEN and GITHUB_TOKEN are both set: choose one mode',
    ]);
  });

  it('rejects URLs with credentials without echoing them', () => {
    const problems = problemsOf({
      COPILOT_TOKEN: 't',
      COPILOT_API_BASE_URL: 'https://user:pw@host',
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).not.toContain('pw');
  });
});

describe('config readers', () => {
  it('applies the documented defaults', () => {
    const env = new EnvReader({ COPILOT_TOKEN: 'tok' });
    expect(readAppConfig(env)).toEqual({
      host: '127.0.0.1',
      port: 8080,
      shutdownTimeoutMs: 25000,
      bodyIdleTimeoutMs: 30000,
      logLevel: 'info',
      logFormat: 'json', // stdout is not a terminal under jest
      metricsPort: undefined,
    });
    expect(readCopilotConfig(env)).toMatchObject({
      apiBaseUrl: 'https://api.individual.githubcopilot.com',
      githubApiBaseUrl: 'https://api.github.com',
      githubBaseUrl: 'https://github.com',
      upstreamTimeoutMs: 300000,
      upstreamIdleTimeoutMs: 300000,
      replayMaxBytes: 64 * 1024 * 1024,
    });
  });

  it('trims a trailing slash from URLs', () => {
    const env = new EnvReader({
      COPILOT_TOKEN: 'tok',
      COPILOT_API_BASE_URL: 'http://127.0.0.1:9/base/',
    });
    expect(readCopilotConfig(env).apiBaseUrl).toBe('http://127.0.0.1:9/base');
  });

  it('accepts HOST=[::1] as a loopback address and listens on ::1', () => {
    expect(parseSettings({ COPILOT_TOKEN: 't', HOST: '[::1]' }).app.host).toBe(
      '::1',
    );
  });

  it('uses the saved login token only when no token is configured', () => {
    const saved = { savedGithubToken: 'gho_saved' };
    expect(parseSettings({}, saved).copilot.githubToken).toBe('gho_saved');
    expect(
      parseSettings({ COPILOT_TOKEN: 't' }, saved).copilot.githubToken,
    ).toBeUndefined();
  });
});
