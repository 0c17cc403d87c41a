import { runHelper } from '../client-helpers/run-helper';
import { codexConfig } from './codex-config';

/**
 * `npm run -s codex`: the `config.toml` block Codex CLI needs, from the running
 * proxy's models (`PROXY_URL`, `PROXY_API_KEY`: see `proxyTarget`).
 */
void runHelper('codex', (models, target) =>
  codexConfig(models, target.baseUrl, target.key ? 'PROXY_API_KEY' : undefined),
);
