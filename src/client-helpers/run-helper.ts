import type { ModelEntry } from './account-models';
import { HelperError } from './helper-error';
import { proxyModels } from './proxy-models';
import { ProxyTarget, proxyTarget } from './proxy-target';

/**
 * The whole CLI of a client helper: asks the proxy for its models, writes what
 * `render` makes of them to stdout and nothing else; any failure goes to stderr as
 * `<name>: <why>` with exit code 1, so `eval "$(…)"` or `> config.toml` gets
 * nothing half-made.
 */
export async function runHelper(
  name: string,
  render: (models: ModelEntry[], target: ProxyTarget) => string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  try {
    const target = proxyTarget(env);
    const text = render(await proxyModels(target), target);
    process.stdout.write(text);
  } catch (error) {
    const why =
      error instanceof HelperError
        ? error.message
        : `unexpected failure: ${(error as Error).stack ?? String(error)}`;
    process.stderr.write(`${name}: ${why}\n`);
    process.exitCode = 1;
  }
}
