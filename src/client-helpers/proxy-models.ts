import { ModelEntry, modelEntries } from './account-models';
import { HelperError } from './helper-error';
import type { ProxyTarget } from './proxy-target';

/** A cold `/models` cache makes the proxy ask Copilot first: allow for that. */
const TIMEOUT_MS = 30_000;

type Fetch = typeof fetch;

/** The model entries of the proxy's `GET /v1/models`, the key sent as Bearer. */
export async function proxyModels(
  target: ProxyTarget,
  fetchImpl: Fetch = fetch,
  timeoutMs = TIMEOUT_MS,
): Promise<ModelEntry[]> {
  const url = `${target.baseUrl}/v1/models`;
  let res: Response;
  let text: string;
  try {
    res = await fetchImpl(url, {
      headers: target.key ? { authorization: `Bearer ${target.key}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
  } catch (error) {
    throw new HelperError(unreachable(target.baseUrl, error, timeoutMs));
  }
  if (!res.ok) throw new HelperError(refusal(url, res, text, target));
  let data: unknown;
  try {
    data = (JSON.parse(text) as { data?: unknown }).data;
  } catch {
    data = undefined;
  }
  if (!Array.isArray(data)) {
    throw new HelperError(
      `${url} did not answer a model list: does PROXY_URL point at copilot-proxy?`,
    );
  }
  return modelEntries(data);
}

function unreachable(
  baseUrl: string,
  error: unknown,
  timeoutMs: number,
): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') {
    return `${baseUrl} did not answer within ${timeoutMs / 1000} s`;
  }
  const why = err.cause?.code ?? err.cause?.message ?? err.message;
  return `cannot reach the proxy at ${baseUrl} (${why}): start it with \`npm start\`, or set PROXY_URL to where it runs`;
}

/** What a refused `/v1/models` means for the user, from the proxy's error body. */
export function refusal(
  url: string,
  res: { status: number; headers: { get(name: string): string | null } },
  text: string,
  target: ProxyTarget,
): string {
  const { message, code } = errorOf(text);
  const said = `${url} answered ${res.status}${message ? ` (${message})` : ''}`;
  const keyRefused =
    code === 'unauthorized' || res.headers.get('www-authenticate') !== null;
  if (res.status === 401 && keyRefused) {
    return target.key
      ? `${said}: PROXY_API_KEY is not one of this proxy's keys`
      : `${said}: keys are on; export PROXY_API_KEY=<your key> and run this again`;
  }
  const retryAfter = res.headers.get('retry-after');
  if (res.status === 429 && retryAfter) {
    return `${said}: try again in ${retryAfter} s`;
  }
  return said;
}

/** `error.message` and `error.code` of an OpenAI- or Anthropic-shaped body. */
function errorOf(text: string): { message?: string; code?: string } {
  try {
    const body = JSON.parse(text) as {
      error?: { message?: unknown; code?: unknown };
    };
    const error = body.error ?? {};
    return {
      message:
        typeof error.message === 'string' ? oneLine(error.message) : undefined,
      code: typeof error.code === 'string' ? error.code : undefined,
    };
  } catch {
    return { message: text.trim() ? oneLine(text) : undefined };
  }
}

const oneLine = (s: string) =>
  s
    .replace(/\p{Cc}+/gu, ' ')
    .trim()
    .slice(0, 200);
