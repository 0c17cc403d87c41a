import { SeatCipher } from './seat-cipher';

const SECRET = 'a'.repeat(32) + '-current-seats-secret';
const OLD = 'b'.repeat(32) + '-previous-seats-secret';
const TOKEN = 'gho_secretGithubToken123';

describe('SeatCipher', () => {
  it('seals a token so the record holds no trace of it, and opens it again', () => {
    const cipher = new SeatCipher(SECRET);
    const sealed = cipher.seal('alice-key', 'alice', TOKEN);
    expect(sealed).not.toContain(TOKEN);
    expect(sealed).not.toContain(Buffer.from(TOKEN).toString('base64'));
    expect(cipher.open('alice-key', sealed)).toMatchObject({
      login: 'alice',
      githubToken: TOKEN,
    });
    expect(cipher.open('alice-key', sealed)?.resealed).toBeUndefined();
  });

  it('uses a fresh IV each time', () => {
    const cipher = new SeatCipher(SECRET);
    expect(cipher.seal('k', 'alice', TOKEN)).not.toBe(
      cipher.seal('k', 'alice', TOKEN),
    );
  });

  it("does not open under another secret, another key's name or a changed login", () => {
    const sealed = new SeatCipher(SECRET).seal('alice-key', 'alice', TOKEN);
    expect(new SeatCipher(OLD).open('alice-key', sealed)).toBeUndefined();
    const cipher = new SeatCipher(SECRET);
    expect(cipher.open('bob-key', sealed)).toBeUndefined();
    const renamed = sealed.replace('"login":"alice"', '"login":"mallory"');
    expect(cipher.open('alice-key', renamed)).toBeUndefined();
    expect(cipher.open('alice-key', 'not json')).toBeUndefined();
  });

  it('opens a record sealed under SEATS_SECRET_PREVIOUS and reseals it under the current secret', () => {
    const sealed = new SeatCipher(OLD).seal('alice-key', 'alice', TOKEN);
    const rotated = new SeatCipher(SECRET, OLD);
    const opened = rotated.open('alice-key', sealed);
    expect(opened?.githubToken).toBe(TOKEN);
    expect(opened?.resealed).toBeDefined();
    // The resealed record opens with the current secret alone.
    expect(
      new SeatCipher(SECRET).open('alice-key', opened!.resealed!),
    ).toMatchObject({ githubToken: TOKEN, login: 'alice' });
  });

  it('reads the login of a record without the secret', () => {
    const sealed = new SeatCipher(SECRET).seal('k', 'alice', TOKEN);
    expect(SeatCipher.loginOf(sealed)).toBe('alice');
    expect(SeatCipher.loginOf('{')).toBeUndefined();
  });

  it('refuses a record whose tag was cut short, or whose IV is not 96 bits', () => {
    const cipher = new SeatCipher(SECRET);
    const record = JSON.parse(cipher.seal('k', 'alice', TOKEN)) as {
      iv: string;
      tag: string;
    };
    const short = Buffer.from(record.tag, 'base64').subarray(0, 4);
    expect(
      cipher.open(
        'k',
        JSON.stringify({ ...record, tag: short.toString('base64') }),
      ),
    ).toBeUndefined();
    expect(
      cipher.open(
        'k',
        JSON.stringify({
          ...record,
          iv: Buffer.alloc(16).toString('base64'),
        }),
      ),
    ).toBeUndefined();
  });
});
