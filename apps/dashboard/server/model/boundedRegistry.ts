import { LruMap } from './lruMap';

/**
 * A capped map of known entities (services, edges, breakers, bulkheads,
 * series), least recently touched first. Admitting a new key beyond the cap
 * evicts the oldest and reports it so the caller can forget its data too.
 */
export class BoundedRegistry<V> {
  private readonly map = new LruMap<V>();
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
    const existing = this.map.touch(key);
    if (existing !== undefined) return existing;
    const value = make();
    this.map.set(key, value);
    if (this.map.size > this.max) {
      const oldest = this.map.oldest();
      if (oldest !== undefined) {
        const { key: oldKey, value: oldValue } = oldest;
        this.map.delete(oldKey);
        this.evicted++;
        onEvict?.(oldKey, oldValue);
      }
    }
    return value;
  }

  /**
   * The entry for `key` marked most recently used, or undefined when there is
   * none (then nothing changes): `touch` without allocating a factory.
   */
  touchExisting(key: string): V | undefined {
    return this.map.touch(key);
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}
