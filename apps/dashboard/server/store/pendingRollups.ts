import type {
  BreakerRollup,
  BreakerTransition,
  BulkheadRollup,
  EdgeRollup,
  RollupBatch,
  ServiceRollup,
} from '../model/rollups';

/** Separator for composite keys; cannot occur in service or breaker names that came through OTLP text. */
const SEP = '\u0000';

export const edgeKey = (r: EdgeRollup) => `${r.bucketStartMs}${SEP}${r.source}${SEP}${r.target}`;
export const breakerKey = (r: BreakerRollup) => `${r.bucketStartMs}${SEP}${r.service}${SEP}${r.name}`;
export const bulkheadKey = (r: BulkheadRollup) => `${r.bucketStartMs}${SEP}${r.service}${SEP}${r.name}`;
export const serviceKey = (r: ServiceRollup) => `${r.bucketStartMs}${SEP}${r.service}`;
export const transitionKey = (t: BreakerTransition) => `${t.service}${SEP}${t.name}${SEP}${t.atMs}${SEP}${t.to}`;

/**
 * Rollups waiting to be written, merged by their store key: a bucket that is
 * enqueued again (because it grew) replaces the pending copy, so the queue
 * holds at most one row per key and its size is the number of rows the next
 * write will touch. Bounded: once `maxRows` rows are pending, rows with new
 * keys are dropped and counted (updates to pending keys are still merged).
 */
export class PendingRollups {
  private edges = new Map<string, EdgeRollup>();
  private breakers = new Map<string, BreakerRollup>();
  private bulkheads = new Map<string, BulkheadRollup>();
  private services = new Map<string, ServiceRollup>();
  private transitions = new Map<string, BreakerTransition>();
  /** Rows refused because the queue was full, since creation. */
  dropped = 0;

  constructor(readonly maxRows: number) {}

  get size(): number {
    return this.edges.size + this.breakers.size + this.bulkheads.size + this.services.size + this.transitions.size;
  }

  /** Merges `batch` in, latest wins. Returns how many rows were dropped for lack of room. */
  add(batch: RollupBatch): number {
    const before = this.dropped;
    for (const r of batch.edges) this.put(this.edges, edgeKey(r), r, true);
    for (const r of batch.breakers) this.put(this.breakers, breakerKey(r), r, true);
    for (const r of batch.bulkheads) this.put(this.bulkheads, bulkheadKey(r), r, true);
    for (const r of batch.services) this.put(this.services, serviceKey(r), r, true);
    for (const t of batch.transitions) this.put(this.transitions, transitionKey(t), t, true);
    return this.dropped - before;
  }

  /** Removes and returns everything pending. */
  take(): RollupBatch {
    const batch: RollupBatch = {
      edges: [...this.edges.values()],
      breakers: [...this.breakers.values()],
      bulkheads: [...this.bulkheads.values()],
      services: [...this.services.values()],
      transitions: [...this.transitions.values()],
    };
    this.edges.clear();
    this.breakers.clear();
    this.bulkheads.clear();
    this.services.clear();
    this.transitions.clear();
    return batch;
  }

  /**
   * Puts back a batch whose write failed, so it is retried. Rows enqueued
   * since `take()` are newer and win over the returned copies.
   */
  restore(batch: RollupBatch): void {
    for (const r of batch.edges) this.put(this.edges, edgeKey(r), r, false);
    for (const r of batch.breakers) this.put(this.breakers, breakerKey(r), r, false);
    for (const r of batch.bulkheads) this.put(this.bulkheads, bulkheadKey(r), r, false);
    for (const r of batch.services) this.put(this.services, serviceKey(r), r, false);
    for (const t of batch.transitions) this.put(this.transitions, transitionKey(t), t, false);
  }

  private put<T>(map: Map<string, T>, key: string, row: T, replace: boolean): void {
    if (map.has(key)) {
      if (replace) map.set(key, row);
      return;
    }
    if (this.size >= this.maxRows) {
      this.dropped++;
      return;
    }
    map.set(key, row);
  }
}
