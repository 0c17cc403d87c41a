/** What a model id says about how new it is. */
export interface ModelVersion {
  /** `claude-opus-4.6` and `claude-opus-4-6` → [4, 6]; `gpt-5-codex` → [5]. */
  version: number[];
  /** A snapshot date or number (`-20250929`, `-2024-11-20`, `-0613`), 0 without one. */
  snapshot: number;
}

/** A dash-delimited run of 4+ digits, or YYYY-MM-DD: a snapshot, not a version. */
const SNAPSHOT = /(?:^|-)(\d{4}-\d{2}-\d{2}|\d{4,})(?=-|$)/;
/**
 * Version numbers, dotted or dashed alike: `4.6`, `4-6`, `3-5`, `5.1`. A later part
 * glued to letters (`-1m`) is a variant, not a version.
 */
const VERSION = /\d{1,3}(?:[.-]\d{1,3}(?![\da-z]))*/i;

export function modelVersion(id: string): ModelVersion {
  const snapshot = SNAPSHOT.exec(id);
  const rest = snapshot
    ? id.slice(0, snapshot.index) +
      id.slice(snapshot.index + snapshot[0].length)
    : id;
  const version = VERSION.exec(rest);
  return {
    version: version ? version[0].split(/[.-]/).map(Number) : [],
    snapshot: snapshot ? Number(snapshot[1].replace(/-/g, '')) : 0,
  };
}

/**
 * Sorts newest first: the higher version (`4.6` > `4.5` > `4`, whatever the
 * separator), then the undated id (Copilot's alias) before dated snapshots, later
 * snapshots first, then the shorter id (`gpt-5.1-codex` before `gpt-5.1-codex-mini`),
 * then by name so the order never depends on the catalog's.
 */
export function newestFirst(a: string, b: string): number {
  const va = modelVersion(a);
  const vb = modelVersion(b);
  const length = Math.max(va.version.length, vb.version.length);
  for (let i = 0; i < length; i++) {
    const diff = (vb.version[i] ?? 0) - (va.version[i] ?? 0);
    if (diff !== 0) return diff;
  }
  if ((va.snapshot === 0) !== (vb.snapshot === 0)) {
    return va.snapshot === 0 ? -1 : 1;
  }
  if (va.snapshot !== vb.snapshot) return vb.snapshot - va.snapshot;
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
