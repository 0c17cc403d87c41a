#!/usr/bin/env node
'use strict';
/**
 * Builds (`nest build`) only when dist/ is missing or older than the sources:
 * the npm scripts that run the proxy or a helper call this instead of building
 * every time. What counts: every file under src/ but specs and test fixtures,
 * and tsconfig*.json, nest-cli.json, package.json. Their paths, sizes and
 * modification times make a fingerprint kept in dist/.build-stamp after a
 * build that succeeded; an added, removed or touched file changes it.
 * `--force` builds whatever the stamp says (`npm test`).
 *
 * The build's output goes to stderr: `npm run -s claude-code` and the like must
 * print nothing but their own output on stdout. Plain Node, no dependencies.
 */
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = process.cwd();
const stamp = path.join(root, 'dist', '.build-stamp');
const TOP_FILES = /^(tsconfig.*\.json|nest-cli\.json|package\.json)$/;
const SKIPPED = /\.spec\.ts$|^__fixtures__$/;

function walk(dir, lines) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (SKIPPED.test(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, lines);
    else if (entry.isFile()) lines.push(line(full));
  }
}

function line(file) {
  const stat = fs.statSync(file);
  return `${path.relative(root, file)}\t${stat.size}\t${stat.mtimeMs}`;
}

function fingerprint() {
  const lines = [];
  for (const name of fs.readdirSync(root)) {
    if (TOP_FILES.test(name)) lines.push(line(path.join(root, name)));
  }
  walk(path.join(root, 'src'), lines);
  lines.sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

function built() {
  try {
    return fs.readFileSync(stamp, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function nest() {
  const local = path.join(root, 'node_modules', '.bin', 'nest');
  return fs.existsSync(local) ? local : 'nest';
}

const force = process.argv.includes('--force');
const before = fingerprint();
if (!force && built() === before && fs.existsSync(path.join(root, 'dist'))) {
  process.exit(0);
}
process.stderr.write(force ? 'Building…\n' : 'Sources changed since the last build: building…\n');
const result = spawnSync(nest(), ['build'], {
  cwd: root,
  stdio: ['ignore', 2, 2],
  shell: process.platform === 'win32',
});
if (result.error) {
  process.stderr.write(`build-if-stale: ${result.error.message}\n`);
  process.exit(1);
}
if (result.status !== 0) process.exit(result.status ?? 1);
// The fingerprint from before the build: a file changed during it builds again next time.
fs.mkdirSync(path.dirname(stamp), { recursive: true });
fs.writeFileSync(stamp, `${before}\n`);
