/**
 * A string-keyed map kept in recency order: `set` puts the key last (moving
 * it when present), iteration and `oldest` go from least to most recently set.
 * The same order a `Map` gives with `delete(key); set(key, value)`, without
 * the hole-and-rehash churn that pattern costs a Map on every update: entries
 * are linked nodes, and moving one is a few pointer writes.
 */
interface LruNode<V> {
  readonly key: string;
  value: V;
  prev: LruNode<V> | null;
  next: LruNode<V> | null;
}

export class LruMap<V> {
  private readonly map = new Map<string, LruNode<V>>();
  private head: LruNode<V> | null = null;
  private tail: LruNode<V> | null = null;

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    return this.map.get(key)?.value;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** Set `key` to `value` and make it the most recent entry. */
  set(key: string, value: V): void {
    const node = this.map.get(key);
    if (node === undefined) {
      this.append({ key, value, prev: null, next: null });
      return;
    }
    node.value = value;
    this.moveLast(node);
  }

  /** The value of `key`, made the most recent entry; undefined (and no change) when absent. */
  touch(key: string): V | undefined {
    // Touching the most recent entry again (the same service point after point) changes nothing.
    const tail = this.tail;
    if (tail !== null && tail.key === key) return tail.value;
    const node = this.map.get(key);
    if (node === undefined) return undefined;
    this.moveLast(node);
    return node.value;
  }

  delete(key: string): boolean {
    const node = this.map.get(key);
    if (node === undefined) return false;
    this.map.delete(key);
    this.unlink(node);
    return true;
  }

  /** The least recent entry, or undefined when empty. */
  oldest(): { readonly key: string; readonly value: V } | undefined {
    return this.head ?? undefined;
  }

  /** Entries from least to most recent; deleting the current entry while iterating is safe. */
  *entries(): IterableIterator<[string, V]> {
    let node = this.head;
    while (node !== null) {
      const next = node.next;
      yield [node.key, node.value];
      node = next;
    }
  }

  *values(): IterableIterator<V> {
    let node = this.head;
    while (node !== null) {
      const next = node.next;
      yield node.value;
      node = next;
    }
  }

  private append(node: LruNode<V>): void {
    this.map.set(node.key, node);
    node.prev = this.tail;
    node.next = null;
    if (this.tail === null) this.head = node;
    else this.tail.next = node;
    this.tail = node;
  }

  private moveLast(node: LruNode<V>): void {
    if (node === this.tail) return;
    // Not the tail, so node.next is set.
    const next = node.next as LruNode<V>;
    if (node.prev === null) this.head = next;
    else node.prev.next = next;
    next.prev = node.prev;
    node.prev = this.tail;
    node.next = null;
    (this.tail as LruNode<V>).next = node;
    this.tail = node;
  }

  private unlink(node: LruNode<V>): void {
    if (node.prev === null) this.head = node.next;
    else node.prev.next = node.next;
    if (node.next === null) this.tail = node.prev;
    else node.next.prev = node.prev;
    node.prev = null;
    node.next = null;
  }
}
