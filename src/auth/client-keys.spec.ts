import { createHash } from 'node:crypto';
import { buildClientKeys, ClientKey, sha256 } from './client-keys';

const hexOf = (value: string) =>
  createHash('sha256').update(value).digest('hex');
/** A PROXY_API_KEYS key's name: its digest's first 8 hex digits. */
const nameOf = (key: string) => `key-${hexOf(key).slice(0, 8)}`;

const PATH = '/etc/copilot-proxy/keys.yaml';
const file = (text: string, path = PATH) => ({ path, text });

/** Every secret the specs use: none may ever appear in a problem. */
const SECRETS = [
  'sk-env-one-0123456789',
  'sk-env-two-9876543210',
  'sk-ci-bot-SECRET-aaaa',
  'sk-alice-SECRET-bbbb',
  'sk-bob-SECRET-cccc',
  'sk-bad-SECRET-dddd',
  'sk-other-SECRET-eeee',
];
const [ENV_ONE, ENV_TWO, CI_KEY, ALICE_KEY, BOB_KEY, BAD_KEY, OTHER_KEY] =
  SECRETS;

const expectNoSecret = (problems: string[]) => {
  for (const problem of problems) {
    for (const secret of SECRETS) expect(problem).not.toContain(secret);
    // Nor the secrets' digests, which are as good as the keys to a reader.
    for (const secret of SECRETS) {
      expect(problem.toLowerCase()).not.toContain(hexOf(secret));
    }
  }
};

/** A key as plain data, the digest as hex, so `toEqual` reads well. */
const plain = (key: ClientKey) => ({
  ...key,
  digest: key.digest.toString('hex'),
});

describe('sha256', () => {
  it('is the SHA-256 digest of the key, as bytes', () => {
    expect(sha256('abc').toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('buildClientKeys: PROXY_API_KEYS', () => {
  it('names the keys by their digest prefix and keeps only their SHA-256 digests', () => {
    const { keys, problems } = buildClientKeys([ENV_ONE, ENV_TWO], undefined);
    expect(problems).toEqual([]);
    expect(keys.map(plain)).toEqual([
      {
        name: nameOf(ENV_ONE),
        digest: hexOf(ENV_ONE),
        readAllUsage: false,
        initiator: 'client',
      },
      {
        name: nameOf(ENV_TWO),
        digest: hexOf(ENV_TWO),
        readAllUsage: false,
        initiator: 'client',
      },
    ]);
    expect(JSON.stringify(keys)).not.toContain(ENV_ONE);
    expect(JSON.stringify(keys)).not.toContain(ENV_TWO);
  });

  it('gives no keys and no problems when there are none', () => {
    expect(buildClientKeys([], undefined)).toEqual({ keys: [], problems: [] });
  });

  it('refuses the same key given twice, naming both and never the key', () => {
    const { problems } = buildClientKeys([ENV_ONE, ENV_ONE], undefined);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/PROXY_API_KEYS: the same key is listed twice/);
    expectNoSecret(problems);
  });
});

// ---------------------------------------------------------------------------
// A good keys file, in YAML and the same in JSON
// ---------------------------------------------------------------------------

const ALICE_DIGEST_UPPER = hexOf(ALICE_KEY).toUpperCase();

const GOOD_YAML = `# Who may use the proxy
keys:
  - name: ci-bot
    key: ${CI_KEY}
    rateLimit:
      requests: 60
      windowSeconds: 60
  - name: alice
    digest: sha256:${ALICE_DIGEST_UPPER}
    quota:
      period: month
      tokens: 2000000
      premiumRequests: 300
    readAllUsage: true
  - name: bob.smith_2
    key: ${BOB_KEY}
    quota:
      period: day
      premiumRequests: 0
    readAllUsage: false
`;

const GOOD_JSON = JSON.stringify(
  {
    keys: [
      {
        name: 'ci-bot',
        key: CI_KEY,
        rateLimit: { requests: 60, windowSeconds: 60 },
      },
      {
        name: 'alice',
        digest: `sha256:${ALICE_DIGEST_UPPER}`,
        quota: { period: 'month', tokens: 2000000, premiumRequests: 300 },
        readAllUsage: true,
        initiator: 'client',
      },
      {
        name: 'bob.smith_2',
        key: BOB_KEY,
        quota: { period: 'day', premiumRequests: 0 },
        readAllUsage: false,
        initiator: 'client',
      },
    ],
  },
  null,
  2,
);

describe('buildClientKeys: a keys file', () => {
  it.each([
    ['YAML', GOOD_YAML, '/etc/copilot-proxy/keys.yaml'],
    ['JSON', GOOD_JSON, '/etc/copilot-proxy/keys.json'],
  ])('reads a %s file after the PROXY_API_KEYS', (_format, text, path) => {
    const { keys, problems } = buildClientKeys([ENV_ONE], file(text, path));
    expect(problems).toEqual([]);
    expect(keys.map(plain)).toEqual([
      {
        name: nameOf(ENV_ONE),
        digest: hexOf(ENV_ONE),
        readAllUsage: false,
        initiator: 'client',
      },
      {
        name: 'ci-bot',
        digest: hexOf(CI_KEY),
        rateLimit: { requests: 60, windowSeconds: 60 },
        readAllUsage: false,
        initiator: 'client',
      },
      {
        name: 'alice',
        digest: hexOf(ALICE_KEY),
        quota: { period: 'month', tokens: 2000000, premiumRequests: 300 },
        readAllUsage: true,
        initiator: 'client',
      },
      {
        name: 'bob.smith_2',
        digest: hexOf(BOB_KEY),
        quota: { period: 'day', premiumRequests: 0 },
        readAllUsage: false,
        initiator: 'client',
      },
    ]);
    expect(JSON.stringify(keys)).not.toContain(CI_KEY);
    expect(JSON.stringify(keys)).not.toContain(BOB_KEY);
  });

  it.each([
    ['lower-case', hexOf(ALICE_KEY)],
    ['upper-case', hexOf(ALICE_KEY).toUpperCase()],
    [
      'mixed-case',
      hexOf(ALICE_KEY).replace(/[a-f]/g, (c: string, i: number) =>
        i % 2 ? c.toUpperCase() : c,
      ),
    ],
  ])('uses a %s digest as it is, not hashed again', (_case, hex) => {
    const { keys, problems } = buildClientKeys(
      [],
      file(`keys:\n  - name: alice\n    digest: "sha256:${hex}"\n`),
    );
    expect(problems).toEqual([]);
    expect(keys).toHaveLength(1);
    expect(keys[0].digest.equals(sha256(ALICE_KEY))).toBe(true);
    expect(keys[0].digest.equals(sha256(`sha256:${hex}`))).toBe(false);
  });

  it.each([
    ['one character', 'a'],
    ['64 characters', 'n'.repeat(64)],
    ['dots, dashes and underscores', 'team.ci_bot-2'],
  ])('accepts a name of %s', (_case, name) => {
    const { keys, problems } = buildClientKeys(
      [],
      file(`keys:\n  - name: "${name}"\n    key: ${CI_KEY}\n`),
    );
    expect(problems).toEqual([]);
    expect(keys.map((k) => k.name)).toEqual([name]);
  });

  it('reads a credits quota and initiator: infer', () => {
    const { keys, problems } = buildClientKeys(
      [],
      file(
        `keys:\n  - name: team\n    key: ${CI_KEY}\n    initiator: infer\n    quota: { period: month, credits: 50 }\n`,
      ),
    );
    expect(problems).toEqual([]);
    expect(keys.map(plain)).toEqual([
      {
        name: 'team',
        digest: hexOf(CI_KEY),
        quota: { period: 'month', credits: 50 },
        readAllUsage: false,
        initiator: 'infer',
      },
    ]);
  });

  it('accepts an empty keys list', () => {
    expect(buildClientKeys([ENV_ONE], file('keys: []\n'))).toEqual({
      keys: [expect.objectContaining({ name: nameOf(ENV_ONE) })],
      problems: [],
    });
  });
});

// ---------------------------------------------------------------------------
// Bad entries: each problem names the entry and the file, never a key
// ---------------------------------------------------------------------------

/** One bad entry after a good one, so the bad one is `keys[1]`. */
const withBadEntry = (entry: string) =>
  `keys:\n  - name: good\n    key: ${OTHER_KEY}\n  - ${entry
    .trim()
    .split('\n')
    .join('\n    ')}\n`;

describe('buildClientKeys: a bad entry', () => {
  it.each<[string, string, RegExp]>([
    [
      'a digest too short',
      `name: bad\ndigest: sha256:${hexOf(BAD_KEY).slice(1)}`,
      /digest must be sha256:<64 hex digits>/,
    ],
    [
      'a digest too long',
      `name: bad\ndigest: sha256:${hexOf(BAD_KEY)}0`,
      /digest must be sha256:<64 hex digits>/,
    ],
    [
      'a digest not in hex',
      `name: bad\ndigest: sha256:${'g'.repeat(64)}`,
      /digest must be sha256:<64 hex digits>/,
    ],
    [
      'a digest without its sha256: prefix',
      `name: bad\ndigest: ${hexOf(BAD_KEY)}`,
      /digest must be sha256:<64 hex digits>/,
    ],
    [
      'a digest of another algorithm',
      `name: bad\ndigest: sha512:${hexOf(BAD_KEY)}`,
      /digest must be sha256:<64 hex digits>/,
    ],
    [
      'a digest that is not a string',
      'name: bad\ndigest: 12345',
      /digest must be sha256:<64 hex digits>/,
    ],
    [
      'a key and a digest both',
      `name: bad\nkey: ${BAD_KEY}\ndigest: sha256:${hexOf(BAD_KEY)}`,
      /give key or digest, not both/,
    ],
    [
      'neither key nor digest',
      'name: bad\nreadAllUsage: true',
      /key or digest is required/,
    ],
    ['an empty key', 'name: bad\nkey: ""', /key must be a non-empty string/],
    [
      'the reserved name anonymous',
      `name: anonymous\nkey: ${BAD_KEY}`,
      /"anonymous" is the name of usage without a key/,
    ],
    [
      'a key that is not text',
      'name: bad\nkey: 12345',
      /key must be a non-empty string/,
    ],
    [
      'an unknown field',
      `name: bad\nkey: ${BAD_KEY}\nowner: ops`,
      /unknown field "owner"/,
    ],
    [
      'an unknown field in rateLimit',
      `name: bad\nkey: ${BAD_KEY}\nrateLimit: { requests: 5, windowSeconds: 60, burst: 10 }`,
      /rateLimit: unknown field "burst"/,
    ],
    [
      'an unknown field in quota',
      `name: bad\nkey: ${BAD_KEY}\nquota: { period: day, tokens: 5, rollover: true }`,
      /quota: unknown field "rollover"/,
    ],
    ['no name', `key: ${BAD_KEY}`, /name must be 1-64 of/],
    [
      'a name with spaces',
      `name: ci bot\nkey: ${BAD_KEY}`,
      /name must be 1-64 of/,
    ],
    [
      'a name of 65 characters',
      `name: ${'n'.repeat(65)}\nkey: ${BAD_KEY}`,
      /name must be 1-64 of/,
    ],
    ['an empty name', `name: ""\nkey: ${BAD_KEY}`, /name must be 1-64 of/],
    [
      'a name that is a number',
      `name: 42\nkey: ${BAD_KEY}`,
      /name must be 1-64 of/,
    ],
    [
      'a name with a slash',
      `name: ops/ci\nkey: ${BAD_KEY}`,
      /name must be 1-64 of/,
    ],
    [
      'rateLimit requests of 0',
      `name: bad\nkey: ${BAD_KEY}\nrateLimit: { requests: 0, windowSeconds: 60 }`,
      /rateLimit needs requests and windowSeconds of at least 1/,
    ],
    [
      'rateLimit without windowSeconds',
      `name: bad\nkey: ${BAD_KEY}\nrateLimit: { requests: 5 }`,
      /rateLimit needs requests and windowSeconds of at least 1/,
    ],
    [
      'rateLimit requests as a string',
      `name: bad\nkey: ${BAD_KEY}\nrateLimit: { requests: "5", windowSeconds: 60 }`,
      /rateLimit needs requests and windowSeconds of at least 1/,
    ],
    [
      'rateLimit that is a number',
      `name: bad\nkey: ${BAD_KEY}\nrateLimit: 100`,
      /rateLimit needs requests and windowSeconds of at least 1/,
    ],
    [
      'a quota period of week',
      `name: bad\nkey: ${BAD_KEY}\nquota: { period: week, tokens: 1000 }`,
      /quota needs period day or month/,
    ],
    [
      'a quota without a period',
      `name: bad\nkey: ${BAD_KEY}\nquota: { tokens: 1000 }`,
      /quota needs period day or month/,
    ],
    [
      'negative quota tokens',
      `name: bad\nkey: ${BAD_KEY}\nquota: { period: day, tokens: -1 }`,
      /quota needs period day or month and tokens, premiumRequests and\/or credits of at least 0/,
    ],
    [
      'negative quota premium requests',
      `name: bad\nkey: ${BAD_KEY}\nquota: { period: month, premiumRequests: -5 }`,
      /premiumRequests and\/or credits of at least 0/,
    ],
    [
      'negative quota credits',
      `name: bad\nkey: ${BAD_KEY}\nquota: { period: month, credits: -1 }`,
      /credits of at least 0/,
    ],
    [
      'a quota with no budget at all',
      `name: bad\nkey: ${BAD_KEY}\nquota: { period: month }`,
      /tokens, premiumRequests and\/or credits/,
    ],
    [
      'an initiator that is neither client nor infer',
      `name: bad\nkey: ${BAD_KEY}\ninitiator: auto`,
      /initiator must be client or infer/,
    ],
    [
      'a quota that is a list',
      `name: bad\nkey: ${BAD_KEY}\nquota: [day, 1000]`,
      /quota needs period day or month/,
    ],
    [
      'readAllUsage as the string "yes"',
      `name: bad\nkey: ${BAD_KEY}\nreadAllUsage: "yes"`,
      /readAllUsage must be true or false/,
    ],
    [
      'readAllUsage as YAML 1.1 yes (a string in YAML 1.2)',
      `name: bad\nkey: ${BAD_KEY}\nreadAllUsage: yes`,
      /readAllUsage must be true or false/,
    ],
    [
      'readAllUsage as 1',
      `name: bad\nkey: ${BAD_KEY}\nreadAllUsage: 1`,
      /readAllUsage must be true or false/,
    ],
  ])('refuses %s', (_case, entry, reason) => {
    const { keys, problems } = buildClientKeys([], file(withBadEntry(entry)));
    expect(problems.length).toBeGreaterThanOrEqual(1);
    const problem = problems.find((p) => reason.test(p));
    expect(problem).toBeDefined();
    expect(problem).toContain(`PROXY_KEYS_FILE (${PATH}) keys[1]`);
    expect(problems.every((p) => p.includes('keys[1]'))).toBe(true);
    expectNoSecret(problems);
    // The bad entry is not a key; the good one before it still is.
    expect(keys.map((k) => k.name)).toEqual(['good']);
  });

  it('refuses an entry that is not a mapping, without echoing it', () => {
    const { keys, problems } = buildClientKeys(
      [],
      file(`keys:\n  - ${BAD_KEY}\n`),
    );
    expect(problems).toEqual([
      `PROXY_KEYS_FILE (${PATH}) keys[0] must be a mapping`,
    ]);
    expect(keys).toEqual([]);
  });

  it('gives every problem of a file at once', () => {
    const text = `keys:
  - name: fine
    key: ${OTHER_KEY}
  - name: has space
    key: ${BAD_KEY}
  - name: both
    key: ${ALICE_KEY}
    digest: sha256:${hexOf(ALICE_KEY)}
  - name: weekly
    key: ${BOB_KEY}
    quota: { period: week, tokens: 10 }
    readAllUsage: "true"
extra: 1
`;
    const { keys, problems } = buildClientKeys([], file(text));
    expectNoSecret(problems);
    expect(problems.length).toBeGreaterThanOrEqual(5);
    const where = `PROXY_KEYS_FILE (${PATH})`;
    for (const problem of [
      `${where} keys[1]: name must be`,
      `${where} keys[2]: give key or digest, not both`,
      `${where} keys[3]: quota needs period day or month`,
      `${where} keys[3]: readAllUsage must be true or false`,
    ]) {
      expect(problems).toContainEqual(expect.stringContaining(problem));
    }
    expect(problems).toContainEqual(
      `PROXY_KEYS_FILE (${PATH}): unknown field "extra"`,
    );
    expect(problems.some((p) => p.includes('keys[0]'))).toBe(false);
    expect(keys.map((k) => k.name)).toEqual(['fine']);
  });
});

// ---------------------------------------------------------------------------
// Bad files
// ---------------------------------------------------------------------------

describe('buildClientKeys: a bad file', () => {
  it.each([
    ['an unclosed flow list', `keys: [\n  - key: ${BAD_KEY}\n   name: x`],
    ['JSON with a trailing comma', `{"keys": [ {"key": "${BAD_KEY}", }`],
    ['a bad indentation', `keys:\n  - name: a\n    key: ${BAD_KEY}: x\n`],
    ['a duplicated mapping key', `keys: []\nkeys: [ { key: ${BAD_KEY} } ]\n`],
  ])(
    'refuses %s as not YAML, with the file but not its text',
    (_case, text) => {
      const { keys, problems } = buildClientKeys([ENV_ONE], file(text));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(
        /^PROXY_KEYS_FILE \(\/etc\/copilot-proxy\/keys\.yaml\) is not valid YAML or JSON: \S/,
      );
      expect(problems[0]).not.toContain('\n');
      expectNoSecret(problems);
      // The PROXY_API_KEYS still stand; nothing of the file does.
      expect(keys.map((k) => k.name)).toEqual([nameOf(ENV_ONE)]);
    },
  );

  it.each([
    ['an empty file', ''],
    ['a file of comments only', '# nothing yet\n'],
  ])('refuses %s, naming the file', (_case, text) => {
    const { keys, problems } = buildClientKeys([ENV_ONE], file(text));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^PROXY_KEYS_FILE \(\/etc\/copilot-proxy\/keys\.yaml\) (is not valid YAML or JSON|must hold a "keys:" list)/,
    );
    expect(keys.map((k) => k.name)).toEqual([nameOf(ENV_ONE)]);
  });

  it.each([
    ['a list at the top', `- name: a\n  key: ${BAD_KEY}\n`],
    ['keys as a mapping', `keys:\n  a: ${BAD_KEY}\n`],
    ['keys as a string', `keys: ${BAD_KEY}\n`],
    ['keys misspelt', `key:\n  - name: a\n    key: ${BAD_KEY}\n`],
    ['a scalar', `${BAD_KEY}\n`],
    ['JSON without keys', '{"clients": []}'],
  ])('refuses %s: no "keys:" list', (_case, text) => {
    const { keys, problems } = buildClientKeys([], file(text));
    expect(problems).toEqual([
      `PROXY_KEYS_FILE (${PATH}) must hold a "keys:" list`,
    ]);
    expect(keys).toEqual([]);
  });

  it('refuses an unknown top-level field, naming the file', () => {
    const { keys, problems } = buildClientKeys(
      [],
      file(`version: 2\nkeys:\n  - name: a\n    key: ${OTHER_KEY}\n`),
    );
    expect(problems).toEqual([
      `PROXY_KEYS_FILE (${PATH}): unknown field "version"`,
    ]);
    expect(keys.map((k) => k.name)).toEqual(['a']);
  });
});

// ---------------------------------------------------------------------------
// The same name or the same key twice
// ---------------------------------------------------------------------------

describe('buildClientKeys: names and keys are unique', () => {
  it('refuses a name used twice in the file', () => {
    const { problems } = buildClientKeys(
      [],
      file(
        `keys:\n  - name: ci\n    key: ${CI_KEY}\n  - name: ci\n    key: ${BOB_KEY}\n`,
      ),
    );
    expect(problems).toEqual([
      `PROXY_KEYS_FILE (${PATH}): key name "ci" is used twice`,
    ]);
    expectNoSecret(problems);
  });

  it('refuses a file entry named like a PROXY_API_KEYS key', () => {
    const { problems } = buildClientKeys(
      [ENV_ONE, ENV_TWO],
      file(`keys:\n  - name: ${nameOf(ENV_ONE)}\n    key: ${CI_KEY}\n`),
    );
    expect(problems).toEqual([
      `PROXY_KEYS_FILE (${PATH}): key name "${nameOf(ENV_ONE)}" is used twice`,
    ]);
    expectNoSecret(problems);
  });

  it.each([
    [
      'by value, in the file',
      [] as string[],
      `keys:\n  - name: first\n    key: ${CI_KEY}\n  - name: second\n    key: ${CI_KEY}\n`,
      /"first" and "second" are the same key/,
    ],
    [
      'by a digest equal to another key’s SHA-256',
      [] as string[],
      `keys:\n  - name: first\n    key: ${CI_KEY}\n  - name: second\n    digest: sha256:${hexOf(CI_KEY).toUpperCase()}\n`,
      /"first" and "second" are the same key/,
    ],
    [
      'by value, between PROXY_API_KEYS and the file',
      [ENV_ONE],
      `keys:\n  - name: again\n    key: ${ENV_ONE}\n`,
      new RegExp(`"${nameOf(ENV_ONE)}" and "again" are the same key`),
    ],
    [
      'by digest, between PROXY_API_KEYS and the file',
      [ENV_ONE, ENV_TWO],
      `keys:\n  - name: again\n    digest: sha256:${hexOf(ENV_TWO)}\n`,
      new RegExp(`"${nameOf(ENV_TWO)}" and "again" are the same key`),
    ],
  ])('refuses the same key twice %s', (_case, apiKeys, text, reason) => {
    const { problems } = buildClientKeys(apiKeys, file(text));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(reason);
    expectNoSecret(problems);
  });

  it('does not take different keys with a shared prefix for the same key', () => {
    const { problems } = buildClientKeys(
      [CI_KEY],
      file(`keys:\n  - name: other\n    key: ${CI_KEY}x\n`),
    );
    expect(problems).toEqual([]);
  });
});
