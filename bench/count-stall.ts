/**
 * The count_tokens stall scenario of `npm run bench` alone: the fake upstream and
 * the built proxy (`npx nest build` first), started as bench/run.ts starts them,
 * then {@link countTokensStalls}. Prints the worst `/healthz` ms for each body.
 * `node -r ts-node/register/transpile-only bench/count-stall.ts [rounds]`.
 */
import type { LaunchedNode } from '../test/support/spawn-app';
import { countTokensStalls } from './hardening';
import { startFakeAndProxy } from './standalone';

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  const children: LaunchedNode[] = [];
  try {
    const { proxy } = await startFakeAndProxy(children);
    const { proxy: measures } = await countTokensStalls(proxy, rounds);
    process.stdout.write(`${JSON.stringify(measures)}\n`);
  } finally {
    for (const child of children) child.proc.kill('SIGKILL');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
