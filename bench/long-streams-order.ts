/**
 * The long-stream TTFB scenario of `npm run bench`, six times in one process set,
 * the floor and the proxy in turn (floor, proxy, proxy, floor, floor, proxy), after
 * a warm-up of one 1000-stream SSE run each: shows how much the order of the runs
 * (which side's upstream pool is warm) moves the TTFB p99. With `wire` as a
 * second argument the floor is bench/wire-floor-proxy.ts (the floor doing what
 * the Copilot wire requires). Needs a built proxy (`npx nest build`).
 * `node -r ts-node/register/transpile-only bench/long-streams-order.ts [streams] [wire]`.
 */
import { launchNode, LaunchedNode } from '../test/support/spawn-app';
import { streams, Target } from './load';
import { ROOT, startFakeAndProxy, TOKEN, TS_NODE } from './standalone';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1000);
  const children: LaunchedNode[] = [];
  try {
    const { fake, proxy } = await startFakeAndProxy(children);
    const floorScript =
      process.argv[3] === 'wire'
        ? 'bench/wire-floor-proxy.ts'
        : 'bench/floor-proxy.ts';
    const floorChild = await launchNode(
      [...TS_NODE, floorScript],
      { ...process.env, UPSTREAM: fake.url, TOKEN },
      { cwd: ROOT, label: 'floor' },
    );
    children.push(floorChild);
    const floor: Target = {
      name: 'floor',
      url: floorChild.url,
      proc: floorChild.proc,
    };
    for (const target of [floor, proxy]) await streams(target, count, 20, 50);
    for (const target of [floor, proxy, proxy, floor, floor, proxy]) {
      const s = await streams(target, count, 20, 100);
      process.stdout.write(
        `${target.name}: ttfb p99 ${s.ttfbP99.toFixed(1)} ms, ${s.errors} errors\n`,
      );
    }
  } finally {
    for (const child of children) child.proc.kill('SIGKILL');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
