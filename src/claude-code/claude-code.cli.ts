import { runHelper } from '../client-helpers/run-helper';
import { claudeCodeEnv } from './claude-code-env';

/**
 * `npm run -s claude-code`: the environment Claude Code needs, from the running
 * proxy's models (`PROXY_URL`, `PROXY_API_KEY`: see `proxyTarget`).
 */
void runHelper('claude-code', (models, target) =>
  claudeCodeEnv(
    models,
    target.baseUrl,
    target.key ? 'PROXY_API_KEY' : undefined,
  ),
);
