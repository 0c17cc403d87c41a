import { HelperError } from './helper-error';
import { proxyTarget } from './proxy-target';

describe('proxyTarget', () => {
  it('defaults to loopback on PROXY_PORT, else 8080, without a key', () => {
    expect(proxyTarget({})).toEqual({ baseUrl: 'http://127.0.0.1:8080' });
    expect(proxyTarget({ PROXY_PORT: '9001' })).toEqual({
      baseUrl: 'http://127.0.0.1:9001',
    });
  });

  it('takes PROXY_URL over the port, without trailing slashes or /v1', () => {
    expect(
      proxyTarget({ PROXY_URL: 'https://proxy.example/', PROXY_PORT: '1' }),
    ).toEqual({ baseUrl: 'https://proxy.example' });
    expect(proxyTarget({ PROXY_URL: 'http://h:1/v1/' }).baseUrl).toBe(
      'http://h:1',
    );
    expect(proxyTarget({ PROXY_URL: 'http://h:1/copilot/v1' }).baseUrl).toBe(
      'http://h:1/copilot',
    );
  });

  it('carries PROXY_API_KEY when set and not empty', () => {
    expect(proxyTarget({ PROXY_API_KEY: 'k1' }).key).toBe('k1');
    expect(proxyTarget({ PROXY_API_KEY: '' })).not.toHaveProperty('key');
  });

  it.each([
    [{ PROXY_URL: 'localhost:8080' }, 'PROXY_URL'],
    [{ PROXY_URL: 'ftp://h' }, 'PROXY_URL'],
    [{ PROXY_URL: 'http://h/?x=1' }, 'PROXY_URL'],
    [{ PROXY_PORT: 'abc' }, 'PROXY_PORT'],
  ])('refuses %j, naming %s', (env, name) => {
    expect(() => proxyTarget(env)).toThrow(HelperError);
    expect(() => proxyTarget(env)).toThrow(
      new RegExp(`^${name} must give the proxy's http\\(s\\) address`),
    );
  });
});
