import { request } from 'node:http';
import { postOnce, Target } from './load';
import { rssKiB } from './proc-stats';

/** Measures on the proxy side, by name. */
type ProxyMeasures = { proxy: Record<string, number> };

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One `GET /healthz` on a fresh connection: its latency in ms (NaN on an error). */
function healthz(url: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(`${url}/healthz`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - started));
    });
    req.on('error', () => resolve(NaN));
    req.end();
  });
}

/**
 * Issue 24: what a worst-case `count_tokens` costs every other client. The
 * bodies the issue found slowest (20,000 letters of one run, 200,000 CJK
 * characters without a space), counted by the proxy (the fake serves no
 * count_tokens); while each count runs, `/healthz` is asked again and again:
 * the worst `/healthz` latency is how long one count held the event loop.
 * `rounds` counts of each, one a second (the budget is per second).
 */
export async function countTokensStalls(
  proxy: Target,
  rounds: number,
): Promise<ProxyMeasures> {
  let seed = 1;
  const cjk = Array.from({ length: 200_000 }, () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return String.fromCharCode(0x4e00 + (seed % 0x5000));
  }).join('');
  const one = (text: string) =>
    JSON.stringify({
      model: 'claude-sonnet-4',
      messages: [{ role: 'user', content: text }],
    });
  const bodies = { Letters: one('a'.repeat(20_000)), Cjk: one(cjk) };
  const measures: Record<string, number> = {};
  for (const [name, body] of Object.entries(bodies)) {
    let worst = 0;
    let errors = 0;
    for (let i = 0; i < rounds; i++) {
      await sleep(1_100);
      let counting = true;
      const probe = (async () => {
        while (counting) {
          const ms = await healthz(proxy.url);
          if (Number.isNaN(ms)) errors++;
          else worst = Math.max(worst, ms);
        }
      })();
      const answer = await postOnce(proxy, '/v1/messages/count_tokens', body);
      counting = false;
      await probe;
      if (answer.status !== 200) errors++;
    }
    measures[`countTokensStall${name}Ms`] = worst;
    measures[`countTokensStall${name}Errors`] = errors;
    log(
      `count_tokens ${name.toLowerCase()} (${Buffer.byteLength(body)} bytes): worst /healthz ${worst.toFixed(1)} ms during a count, ${errors} errors`,
    );
  }
  return { proxy: measures };
}

/**
 * Issue 24: peak RSS while 4 Anthropic requests with a 25 MiB base64 image
 * each arrive at once, translated (`gemini-2.5-pro`, chat only) and, for
 * comparison, native (`claude-sonnet-4`), each on a fresh proxy process. RSS is read every 10 ms until every
 * answer is in; the answers' statuses are counted (a translation past the
 * answer budget is told to try again: 503).
 */
export async function translatedImagesRss(proxies: {
  Native: Target;
  Translated: Target;
}): Promise<ProxyMeasures> {
  const image = 'A'.repeat(25 * 1024 * 1024);
  const body = (model: string) =>
    JSON.stringify({
      model,
      max_tokens: 16,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'image',
              source: { type: 'base64', media_type: 'image/png', data: image },
            },
            { type: 'text', text: 'what is it?' },
          ],
        },
      ],
    });
  const measures: Record<string, number> = {};
  for (const [name, model] of [
    ['Native', 'claude-sonnet-4'],
    ['Translated', 'gemini-2.5-pro'],
  ] as const) {
    // A process each: RSS does not shrink back after the first run.
    const proxy = proxies[name];
    const text = body(model);
    await sleep(500);
    const before = rssKiB(proxy.proc.pid!);
    let peak = before;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, rssKiB(proxy.proc.pid!));
        await sleep(10);
      }
    })();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        postOnce(proxy, '/v1/messages', text, {
          'anthropic-version': '2023-06-01',
        }).catch(() => ({ status: 0 })),
      ),
    );
    sampling = false;
    await sampler;
    const ok = answers.filter((a) => a.status === 200).length;
    const busy = answers.filter((a) => a.status === 503).length;
    measures[`images${name}PeakRssMiB`] = peak / 1024;
    measures[`images${name}BeforeRssMiB`] = before / 1024;
    measures[`images${name}Ok`] = ok;
    measures[`images${name}Busy`] = busy;
    log(
      `4 × 25 MiB images, ${name.toLowerCase()}: RSS ${(before / 1024).toFixed(0)} MiB before, peak ${(peak / 1024).toFixed(0)} MiB; ${ok} answered 200, ${busy} 503, ${4 - ok - busy} other`,
    );
  }
  return { proxy: measures };
}
