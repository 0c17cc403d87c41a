// One colour per model, the same in every view of the page (tokens, credits,
// premium; all keys or one): a model's colour comes from a hash of its name,
// not its rank, and only when two models of the history would share a colour
// does the one later by name take the next free one.

/** Twelve hues told apart at a glance (Tableau 10, less its grey, and three more). */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#2f4b7c',
  '#d45087',
  '#665191',
];

/** The colour of the series that gathers the models past the biggest few. */
export const REST_COLOR = '#94a3b8';

/** FNV-1a over the name's UTF-16 units: stable across loads and browsers. */
function hash(name) {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A colour for each of `models` (every model of the history shown). */
export function modelColors(models) {
  const colors = new Map();
  const taken = new Set();
  for (const model of [...new Set(models)].sort()) {
    const first = hash(model) % PALETTE.length;
    let slot = first;
    for (let i = 0; i < PALETTE.length && taken.has(slot); i++)
      slot = (first + i + 1) % PALETTE.length;
    taken.add(slot);
    colors.set(model, PALETTE[slot]);
  }
  return colors;
}
