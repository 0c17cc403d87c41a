import { ConfigValidationError, parseSettings } from './settings';

const OWN_KEYS = `
keys:
  - name: alice
    key: sk-alice-0123456789
    seat: own
`;
const MIXED_KEYS = `${OWN_KEYS}
  - name: team
    key: sk-team-0123456789
    seat: shared
`;

function problemsOf(env: Record<string, string>, file = OWN_KEYS): string[] {
  try {
    parseSettings(
      { PROXY_KEYS_FILE: '/keys.yaml', ...env },
      { readFile: () => file },
    );
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
}

describe('seats settings (SPEC §14)', () => {
  it('refuses to start, naming SEATS_SECRET, when a key has seat: own and it is missing or short', () => {
    const missing = problemsOf({});
    expect(missing).toHaveLength(1);
    expect(missing[0]).toContain('SEATS_SECRET');
    const short = problemsOf({ SEATS_SECRET: 'x'.repeat(31) });
    expect(short).toHaveLength(1);
    expect(short[0]).toContain('SEATS_SECRET');
    expect(short[0]).not.toContain('x'.repeat(31));
    expect(problemsOf({ SEATS_SECRET: 'x'.repeat(32) })).toEqual([]);
  });

  it('needs no SEATS_SECRET without own-seat keys', () => {
    expect(
      problemsOf(
        { GITHUB_TOKEN: 'gho_x' },
        'keys:\n  - name: team\n    key: sk-team-0123456789\n',
      ),
    ).toEqual([]);
  });

  it('starts with no login of its own when every key uses its own seat, not otherwise', () => {
    expect(problemsOf({ SEATS_SECRET: 's'.repeat(40) })).toEqual([]);
    const mixed = problemsOf({ SEATS_SECRET: 's'.repeat(40) }, MIXED_KEYS);
    expect(mixed).toHaveLength(1);
    expect(mixed[0]).toContain('GITHUB_TOKEN');
  });

  it('refuses an unknown seat value in the keys file', () => {
    const problems = problemsOf(
      { GITHUB_TOKEN: 'gho_x' },
      'keys:\n  - name: a\n    key: sk-a-0123456789\n    seat: mine\n',
    );
    expect(problems).toEqual([
      'PROXY_KEYS_FILE (/keys.yaml) keys[0]: seat must be own or shared',
    ]);
  });

  it('reads the allowlists lower-cased and the seats file under the config folder', () => {
    const settings = parseSettings(
      {
        PROXY_KEYS_FILE: '/keys.yaml',
        SEATS_SECRET: 's'.repeat(40),
        SEATS_ALLOWED_LOGINS: 'Alice, bob',
        SEATS_ALLOWED_ORGS: 'ACME',
        XDG_CONFIG_HOME: '/cfg',
      },
      { readFile: () => OWN_KEYS },
    );
    expect(settings.auth.clientKeys[0].seat).toBe('own');
    expect(settings.seats).toMatchObject({
      enabled: true,
      allowedLogins: ['alice', 'bob'],
      allowedOrgs: ['acme'],
      file: '/cfg/copilot-proxy/seats.json',
    });
    expect(settings.copilot.apiBaseUrl).toBeUndefined();
  });
});
