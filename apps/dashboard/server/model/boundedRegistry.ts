/**
 * A capped map of known entities (services, edges, breakers, bulkheads,
 * series), least recently touched first. Admitting a new key beyond the cap
 * evicts the oldest and reports it so the caller can forget its data too.
 */
export class BoundedRegistry<V> {
  private readonly map = new Map<string, V>();
  /** Entities evicted because of the cap. */
  evicted = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  entries(): IterableIterator<[string, V]> {
    return this.map.entries();
  }

  /**
   * Return the entry for `key`, creating it with `make` when new, and mark it
   * most recently used. `onEvict` receives the key that made room.
   */
  touch(key: string, make: () => V, onEvict?: (key: string, value: V) => void): V {
    const existing = this.map.get(key);
    if (existing !== undefined) {
      this.map.delete(key);
      this.map.set(key, existing);
      return existing;
    }
    const value = make();
    this.map.set(key, value);
    if (this.map.size > this.max) {
      const oldest = this.map.entries().next().value;
      if (oldest !== undefined) {
        this.map.delete(oldest[0]);
        this.evicted++;
        onEvict?.(oldest[0], oldest[1]);
      }
    }
    return value;
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}
