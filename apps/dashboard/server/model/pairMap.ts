/**
 * A map keyed by a pair of strings, as a map of maps: no joined key to build
 * and hash per lookup. For short-lived per-batch indexes; unbounded.
 */
export class PairMap<V> {
  private readonly byFirst = new Map<string, Map<string, V>>();

  get(a: string, b: string): V | undefined {
    return this.byFirst.get(a)?.get(b);
  }

  set(a: string, b: string, value: V): void {
    let inner = this.byFirst.get(a);
    if (inner === undefined) {
      inner = new Map();
      this.byFirst.set(a, inner);
    }
    inner.set(b, value);
  }

  /** Values in insertion order of their first key, then of their second. */
  *values(): IterableIterator<V> {
    for (const inner of this.byFirst.values()) yield* inner.values();
  }

  clear(): void {
    this.byFirst.clear();
  }
}
