/**
 * A metric's children by label values, each resolved once (`labels()`) and then
 * reused: prom-client otherwise sorts, validates and hashes the label object on
 * every `inc` or `observe` of the hot path. A child stays valid as long as the
 * metric is not reset or its series removed (the proxy does neither).
 */
export class LabelChildren<Child> {
  private readonly children = new Map<string, Child>();

  constructor(private readonly resolve: (values: string[]) => Child) {}

  /** The child for these label values, in the order of the metric's label names. */
  get(...values: string[]): Child {
    const key = values.length === 1 ? values[0] : values.join('\u0000');
    let child = this.children.get(key);
    if (!child) {
      child = this.resolve(values);
      this.children.set(key, child);
    }
    return child;
  }
}
