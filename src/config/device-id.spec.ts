import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVICE_ID, deviceIdPath, readOrCreateDeviceId } from './device-id';

describe('readOrCreateDeviceId', () => {
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'device-id-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('makes a UUID once and reads the same one on every start', () => {
    const env = { XDG_CONFIG_HOME: home };
    const first = readOrCreateDeviceId(env);
    expect(first).toMatch(DEVICE_ID);
    expect(readFileSync(deviceIdPath(env), 'utf8').trim()).toBe(first);
    expect(readOrCreateDeviceId(env)).toBe(first);
  });

  it('replaces a file that holds no UUID, and gives none when it cannot write', () => {
    const env = { XDG_CONFIG_HOME: home };
    readOrCreateDeviceId(env);
    writeFileSync(deviceIdPath(env), 'garbage');
    expect(readOrCreateDeviceId(env)).toMatch(DEVICE_ID);
    writeFileSync(join(home, 'file'), '');
    expect(
      readOrCreateDeviceId({ XDG_CONFIG_HOME: join(home, 'file') }),
    ).toBeUndefined();
  });
});
