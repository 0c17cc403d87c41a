import axios, { AxiosInstance } from 'axios';

/** Pages of `/user/orgs` read at most: 1,000 organisations. */
const ORG_PAGES = 10;

/** Who a GitHub token belongs to, as far as the allowlists need. */
export interface GithubIdentity {
  login: string;
  /** Lower-cased organisation logins; only read when `SEATS_ALLOWED_ORGS` is set. */
  orgs: string[];
}

/**
 * GitHub's `/user` and `/user/orgs` for a freshly linked token. Neither the token
 * nor GitHub's body goes into an error message.
 */
export class GithubIdentityClient {
  private readonly http: AxiosInstance;

  constructor(
    githubApiBaseUrl: string,
    private readonly headers: Readonly<Record<string, string>>,
  ) {
    this.http = axios.create({
      baseURL: githubApiBaseUrl,
      timeout: 15_000,
      maxRedirects: 0,
      proxy: false,
      validateStatus: () => true,
    });
  }

  async identify(
    githubToken: string,
    withOrgs: boolean,
  ): Promise<GithubIdentity> {
    const user = await this.get('/user', githubToken);
    const login = (user as { login?: unknown })?.login;
    if (typeof login !== 'string' || login === '')
      throw new Error('GitHub /user named no login');
    if (!withOrgs) return { login, orgs: [] };
    const orgs: Array<{ login?: unknown }> = [];
    // 100 a page; a short page is the last (at most ORG_PAGES of them).
    for (let page = 1; page <= ORG_PAGES; page++) {
      const more = await this.get(
        `/user/orgs?per_page=100&page=${page}`,
        githubToken,
      );
      if (!Array.isArray(more)) throw new Error('GitHub /user/orgs is no list');
      orgs.push(...(more as Array<{ login?: unknown }>));
      if (more.length < 100) break;
    }
    return {
      login,
      orgs: orgs
        .map((org: { login?: unknown }) => org?.login)
        .filter((name): name is string => typeof name === 'string')
        .map((name) => name.toLowerCase()),
    };
  }

  private async get(path: string, githubToken: string): Promise<unknown> {
    const response = await this.http.get(path, {
      headers: { ...this.headers, authorization: `token ${githubToken}` },
    });
    if (response.status !== 200)
      throw new Error(
        `GitHub ${path.split('?')[0]} answered ${response.status}`,
      );
    return response.data;
  }
}

/** Whether the allowlists let `identity` link a seat (empty lists allow anyone). */
export function allowedBy(
  identity: GithubIdentity,
  logins: readonly string[],
  orgs: readonly string[],
): boolean {
  if (logins.length === 0 && orgs.length === 0) return true;
  if (logins.includes(identity.login.toLowerCase())) return true;
  return identity.orgs.some((org) => orgs.includes(org));
}
