import { runHelper } from '../client-helpers/run-helper';
import { opencodeConfig } from './opencode-config';

/**
 * `npm run -s opencode`: the `opencode.json` opencode needs, from the running
 * proxy's models (`PROXY_URL`, `PROXY_API_KEY`: see `proxyTarget`).
 */
void runHelper('opencode', (models, target) =>
  opencodeConfig(
    models,
    target.baseUrl,
    target.key ? 'PROXY_API_KEY' : undefined,
  ),
);
