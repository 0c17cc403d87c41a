/**
 * The count_tokens stall scenario of `npm run bench` alone: the fake upstream and
 * the built proxy (`npx nest build` first), started as bench/run.ts starts them,
 * then {@link countTokensStalls}. Prints the worst `/healthz` ms for each body.
 * `node -r ts-node/register/transpile-only bench/count-stall.ts [rounds]`.
 */
import { join } from 'node:path';
import { freePort } from '../test/support/redis-server';
import { LaunchedNode, launchNode } from '../test/support/spawn-app';
import { countTokensStalls } from './hardening';
import { get } from './load';

const ROOT = join(__dirname, '..');
const TOKEN = 'bench-copilot-token';

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  const children: LaunchedNode[] = [];
  try {
    const fake = await launchNode(
      ['-r', 'ts-node/register/transpile-only', 'bench/fake-upstream.ts'],
      process.env,
      { cwd: ROOT, label: 'fake' },
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
      await new Promise((r) => setTimeout(r, 5));
    }
    const { proxy: measures } = await countTokensStalls(
      { name: 'proxy', url, proc: proxy.proc },
      rounds,
    );
    process.stdout.write(`${JSON.stringify(measures)}\n`);
  } finally {
    for (const child of children) child.proc.kill('SIGKILL');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
