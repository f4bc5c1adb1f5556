/**
 * A set that remembers each key for at least `ttlMs` and at most twice that,
 * in two generations: adds go to the current one, which becomes the previous
 * one every `ttlMs` (or when it holds `max` keys, so memory stays bounded).
 * An add is one `Set.add`, where a per-key expiry list (an LRU map) costs a
 * node, a relink and, once full, a delete per add.
 */
export class RecentKeys {
  private current = new Set<string>();
  private previous = new Set<string>();
  private rotateAtMs = Number.NEGATIVE_INFINITY;
  /** Keys forgotten before their time because the cap was reached. */
  dropped = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.current.size + this.previous.size;
  }

  add(key: string, nowMs: number): void {
    if (nowMs >= this.rotateAtMs) this.rotate(nowMs, false);
    else if (this.current.size >= this.max) this.rotate(nowMs, true);
    this.current.add(key);
  }

  has(key: string): boolean {
    return this.current.has(key) || this.previous.has(key);
  }

  private rotate(nowMs: number, full: boolean): void {
    if (full) this.dropped += this.previous.size;
    // Swap rather than allocate: the cleared previous generation becomes the new current one.
    const emptied = this.previous;
    emptied.clear();
    // After a quiet spell longer than the ttl, the current generation is stale too.
    if (nowMs >= this.rotateAtMs + this.ttlMs) this.current.clear();
    this.previous = this.current;
    this.current = emptied;
    this.rotateAtMs = nowMs + this.ttlMs;
  }
}
