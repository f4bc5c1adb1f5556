import type { JournalCheckpoint } from '../journal/ingestJournal';
import type { BreakerState, BreakerTransition, RollupBatch } from '../model/rollups';

/**
 * What the server needs from persistence. Implemented over Prisma
 * (SQLite by default). The server depends on this interface only.
 */
export interface HistoryStore {
  /**
   * Queue rollups for writing. Buckets are upserted by their key
   * (bucketStartMs + identity), so re-sending a bucket that grew replaces it.
   * Never blocks the caller on I/O; writes are batched. A journal
   * `checkpoint` is committed with the rows (see PrismaHistoryStore.enqueue).
   */
  enqueue(batch: RollupBatch, checkpoint?: JournalCheckpoint): void;
  /** Write everything queued; resolves when it is durable. */
  flush(): Promise<void>;
  /** Rollups whose bucket starts in [fromMs, toMs), and transitions with atMs in that range. */
  loadRollups(fromMs: number, toMs: number): Promise<RollupBatch>;
  /** Transition history of one breaker (by name), oldest first. */
  breakerTransitions(name: string, sinceMs: number): Promise<BreakerTransition[]>;
  /** Last known state of every breaker, to restore the live model after a restart. */
  latestBreakerStates(): Promise<
    { name: string; service: string; dependency: string; state: BreakerState; atMs: number }[]
  >;
  /** Delete data older than `olderThanMs`. Returns rows deleted. */
  prune(olderThanMs: number): Promise<number>;
  close(): Promise<void>;
}
