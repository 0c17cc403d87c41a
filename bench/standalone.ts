import { join } from 'node:path';
import { freePort } from '../test/support/redis-server';
import { LaunchedNode, launchNode } from '../test/support/spawn-app';
import { get, Target } from './load';

export const ROOT = join(__dirname, '..');
export const TOKEN = 'bench-copilot-token';
export const TS_NODE = ['-r', 'ts-node/register/transpile-only'];

/**
 * For scripts that run one scenario of `npm run bench` alone: the fake upstream
 * and the built proxy (`npx nest build` first), started as bench/run.ts starts
 * them, the proxy ready. Both go into `children`, for the caller to kill.
 */
export async function startFakeAndProxy(
  children: LaunchedNode[],
): Promise<{ fake: LaunchedNode; proxy: Target }> {
  const fake = await launchNode(
    [...TS_NODE, 'bench/fake-upstream.ts'],
    process.env,
    {
      cwd: ROOT,
      label: 'fake',
    },
  );
  children.push(fake);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proxy = await launchNode(
    ['dist/main.js'],
    {
      ...process.env,
      COPILOT_TOKEN: TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      LOG_LEVEL: 'warn',
      PROXY_PORT: String(port),
      NODE_ENV: 'production',
    },
    { cwd: ROOT, waitForListen: false, label: 'proxy' },
  );
  children.push(proxy);
  const spawnedAt = performance.now();
  while ((await get(`${url}/readyz`)) !== 200) {
    if (performance.now() - spawnedAt > 15_000)
      throw new Error(`proxy never became ready:\n${proxy.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { fake, proxy: { name: 'proxy', url, proc: proxy.proc } };
}
