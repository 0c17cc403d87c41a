import { allowedBy } from './github-identity';

describe('allowedBy', () => {
  const alice = { login: 'Alice', orgs: ['acme'] };
  const bob = { login: 'bob', orgs: [] };

  it('allows anyone without allowlists', () => {
    expect(allowedBy(bob, [], [])).toBe(true);
  });

  it('allows a listed login (case aside) or a member of a listed org, no one else', () => {
    expect(allowedBy(alice, ['alice'], [])).toBe(true);
    expect(allowedBy(bob, ['alice'], [])).toBe(false);
    expect(allowedBy(alice, [], ['acme'])).toBe(true);
    expect(allowedBy(bob, [], ['acme'])).toBe(false);
    expect(allowedBy(bob, ['bob'], ['acme'])).toBe(true);
  });
});
