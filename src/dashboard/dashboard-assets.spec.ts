import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assetOf,
  CHART_LIBRARY,
  chartLibraryPath,
  DashboardAssets,
  OWN_FILES,
  withoutSourceMap,
} from './dashboard-assets';

describe('DashboardAssets', () => {
  const assets = new DashboardAssets();

  it('serves the page, its scripts, style and icon, and the chart library by name', () => {
    const types: Record<string, string> = {
      html: 'text/html; charset=utf-8',
      js: 'text/javascript; charset=utf-8',
      css: 'text/css; charset=utf-8',
      svg: 'image/svg+xml',
    };
    for (const name of [...OWN_FILES, CHART_LIBRARY]) {
      const asset = assets.get(name);
      const type = types[name.split('.').pop()!];
      expect({ name, type: asset?.contentType }).toEqual({ name, type });
      expect(asset!.body.length).toBeGreaterThan(0);
    }
  });

  it('knows no other name: no path on disk is ever looked up from a request', () => {
    for (const name of [
      '../dashboard.controller.ts',
      'assets/index.html',
      'toString',
      '__proto__',
      'chart.umd.js',
    ])
      expect(assets.get(name)).toBeUndefined();
  });

  it('serves every file the page and its modules name, and names every file it serves', () => {
    const html = assets.get('index.html')!.body.toString();
    const named = new Set(
      [...html.matchAll(/(?:src|href)="\/dashboard\/([^"]+)"/g)].map(
        (m) => m[1],
      ),
    );
    for (const name of OWN_FILES.filter((n) => n.endsWith('.js'))) {
      const script = assets.get(name)!.body.toString();
      for (const m of script.matchAll(/from '\.\/([^']+)'/g)) named.add(m[1]);
    }
    expect([...named].sort()).toEqual(
      [...OWN_FILES.filter((n) => n !== 'index.html'), CHART_LIBRARY].sort(),
    );
  });

  it('serves Chart.js from the installed package, as its UMD build', () => {
    const library = assets.get(CHART_LIBRARY)!.body.toString();
    expect(library).toContain('Chart.js v4');
    expect(library).not.toContain('sourceMappingURL');
    expect(readFileSync(chartLibraryPath(), 'utf8')).toContain(
      library.slice(0, 2000),
    );
  });

  it('fails at start when a file is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'dashboard-assets-'));
    expect(() => new DashboardAssets(empty)).toThrow(/ENOENT/);
  });

  it('gives each version its own validator', () => {
    const a = assetOf('a.js', Buffer.from('one'));
    const b = assetOf('a.js', Buffer.from('two'));
    expect(a.etag).toMatch(/^"[\w-]+"$/);
    expect(a.etag).not.toBe(b.etag);
    expect(assetOf('a.js', Buffer.from('one')).etag).toBe(a.etag);
    expect(() => assetOf('a.exe', Buffer.from(''))).toThrow(/content type/);
  });
});

describe('withoutSourceMap', () => {
  it('drops only a trailing source map comment', () => {
    expect(
      withoutSourceMap(
        Buffer.from('a();\n//# sourceMappingURL=chart.umd.min.js.map\n'),
      ).toString(),
    ).toBe('a();\n');
    expect(withoutSourceMap(Buffer.from('a();\n')).toString()).toBe('a();\n');
  });
});
