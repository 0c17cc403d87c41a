/** What `GET /seats/link` answers. */
interface LinkStatus {
  state: 'none' | 'pending' | 'linked' | 'expired' | 'denied';
  login?: string;
  detail?: string;
}

type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) =>
  new Promise((resolve) => setTimeout(resolve, ms));

export class SeatLoginError extends Error {}

/**
 * `npm run login -- --seat`: links the seat of the key in `PROXY_KEY` through a
 * running proxy (`PROXY_URL`): asks it for a device code, prints what to do,
 * waits while the proxy polls GitHub, and prints the login it linked.
 */
export async function seatLogin(
  proxyUrl: string,
  key: string,
  out: NodeJS.WritableStream = process.stdout,
  sleep: Sleep = realSleep,
): Promise<string> {
  const call = async (method: string): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetch(`${proxyUrl}/seats/link`, {
        method,
        headers: { authorization: `Bearer ${key}` },
      });
    } catch (error) {
      throw new SeatLoginError(
        `the proxy at ${proxyUrl} did not answer (${(error as Error).message}): is it running? (PROXY_URL)`,
      );
    }
    const body = (await res.json().catch(() => undefined)) as
      { error?: { message?: string } } | undefined;
    if (!res.ok) {
      throw new SeatLoginError(
        `the proxy answered ${res.status}: ${body?.error?.message ?? res.statusText}`,
      );
    }
    return body;
  };
  const code = (await call('POST')) as {
    user_code: string;
    verification_uri: string;
    interval: number;
  };
  out.write(
    `\nTo connect your GitHub Copilot to this key, open ${code.verification_uri}\nand enter the code: ${code.user_code}\n\nWaiting for approval…\n`,
  );
  const waitMs = Math.max(1, Number(code.interval) || 5) * 1000;
  for (;;) {
    await sleep(waitMs);
    const status = (await call('GET')) as LinkStatus;
    if (status.state === 'pending') continue;
    if (status.state === 'linked' && status.login) {
      out.write(
        `Linked: this key now uses the Copilot seat of ${status.login}.\n`,
      );
      return status.login;
    }
    throw new SeatLoginError(
      `the link ended ${status.state}${status.detail ? `: ${status.detail}` : ''}`,
    );
  }
}
