import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSeatStore } from './seat-store';

describe('FileSeatStore', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'seat-store-'));

  it('keeps seats in a 0600 file that a new store reads back', async () => {
    const path = join(dir(), 'copilot-proxy', 'seats.json');
    const store = new FileSeatStore(path);
    await store.put('alice-key', '{"sealed":1}');
    await store.put('bob-key', '{"sealed":2}');
    await store.delete('bob-key');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    const again = new FileSeatStore(path);
    expect(await again.get('alice-key')).toBe('{"sealed":1}');
    expect(await again.get('bob-key')).toBeUndefined();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      seats: { 'alice-key': '{"sealed":1}' },
    });
  });

  it('starts empty without a file, and with a damaged one', async () => {
    expect(await new FileSeatStore(join(dir(), 'none.json')).get('k')).toBe(
      undefined,
    );
    const damaged = join(dir(), 'seats.json');
    writeFileSync(damaged, '{"seats": {"k": "x"');
    expect(await new FileSeatStore(damaged).get('k')).toBeUndefined();
  });
});
