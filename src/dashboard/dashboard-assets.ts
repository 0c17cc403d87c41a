import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A file the page loads, read once at start. */
export interface Asset {
  body: Buffer;
  contentType: string;
  /** A strong validator: the content's digest. */
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The page's own files, beside this module (copied into `dist` by nest-cli's assets). */
export const OWN_FILES = [
  'index.html',
  'dashboard.css',
  'favicon.svg',
  'dashboard.js',
  'account-card.js',
  'budget-alert.js',
  'counters.js',
  'daily-chart.js',
  'dom.js',
  'format.js',
  'model-colors.js',
  'usage-tables.js',
  'seat-panel.js',
  'seat-panel.css',
];

/** The name the chart library is served under (`/dashboard/chart.umd.min.js`). */
export const CHART_LIBRARY = 'chart.umd.min.js';

/**
 * Chart.js' self-contained UMD build from the installed package (a production
 * dependency): its `exports` hide `dist/`, so it is found beside the CommonJS
 * entry point.
 */
export function chartLibraryPath(): string {
  return join(dirname(require.resolve('chart.js')), CHART_LIBRARY);
}

export function assetOf(name: string, body: Buffer): Asset {
  const extension = name.slice(name.lastIndexOf('.'));
  const contentType = TYPES[extension];
  if (contentType === undefined)
    throw new Error(`dashboard asset ${name}: no content type`);
  const digest = createHash('sha256').update(body).digest('base64url');
  return { body, contentType, etag: `"${digest.slice(0, 27)}"` };
}

/**
 * Drops a trailing `//# sourceMappingURL=…` comment: the map is not served, and a
 * browser's developer tools would otherwise ask for it.
 */
export function withoutSourceMap(body: Buffer): Buffer {
  return Buffer.from(
    body.toString('utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'),
  );
}

/**
 * Every file `/dashboard` serves, by name, all read at start: a missing one
 * fails the start rather than a page load, and no request ever names a path on
 * disk.
 */
@Injectable()
export class DashboardAssets {
  private readonly assets = new Map<string, Asset>();

  constructor(folder = join(__dirname, 'assets'), chart = chartLibraryPath()) {
    for (const name of OWN_FILES)
      this.assets.set(name, assetOf(name, readFileSync(join(folder, name))));
    this.assets.set(
      CHART_LIBRARY,
      assetOf(CHART_LIBRARY, withoutSourceMap(readFileSync(chart))),
    );
  }

  /** The asset of that name, or undefined for any other name. */
  get(name: string): Asset | undefined {
    return this.assets.get(name);
  }
}
