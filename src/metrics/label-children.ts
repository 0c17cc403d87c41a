type Level<Child> = Map<string, Child | Level<Child>>;

/**
 * A metric's children by label values, each resolved once (`labels()`) and then
 * reused: prom-client otherwise sorts, validates and hashes the label object on
 * every `inc` or `observe` of the hot path. The values are looked up one map per
 * label (no key is built per call). A child stays valid as long as the metric
 * is not reset or its series removed (the proxy does neither).
 */
export class LabelChildren<Child> {
  private readonly root: Level<Child> = new Map();

  constructor(private readonly resolve: (values: string[]) => Child) {}

  /** The child for these label values: as many as the metric has labels, in their order. */
  get(a: string, b?: string, c?: string): Child {
    let level = this.root;
    if (b !== undefined) level = this.level(level, a);
    if (c !== undefined) level = this.level(level, b!);
    const last = c ?? b ?? a;
    let child = level.get(last) as Child | undefined;
    if (child === undefined) {
      const values =
        c !== undefined ? [a, b!, c] : b !== undefined ? [a, b] : [a];
      child = this.resolve(values);
      level.set(last, child);
    }
    return child;
  }

  private level(parent: Level<Child>, value: string): Level<Child> {
    let next = parent.get(value) as Level<Child> | undefined;
    if (next === undefined) {
      next = new Map();
      parent.set(value, next);
    }
    return next;
  }
}
