import type { BulkheadHistoryPoint, EdgeHistoryPoint } from '../../lib/apiTypes';
import { addCounts, emptyCounts, percentile } from '../model/latencyHistogram';
import { ROLLUP_SECONDS, type RollupBatch } from '../model/rollups';

/**
 * Per-bucket series for the side panel and the bulkheads page. Several
 * instances of a caller produce one rollup each per bucket; they are merged by
 * adding counts (and histogram buckets) before anything is derived.
 */
export function edgeHistory(batch: RollupBatch, source: string, target: string): EdgeHistoryPoint[] {
  const byBucket = new Map<
    number,
    { calls: number; errors: number; attempts: number; counts: number[]; inflight: number | null }
  >();
  for (const r of batch.edges) {
    if (r.source !== source || r.target !== target) continue;
    let b = byBucket.get(r.bucketStartMs);
    if (!b) {
      b = { calls: 0, errors: 0, attempts: 0, counts: emptyCounts(), inflight: null };
      byBucket.set(r.bucketStartMs, b);
    }
    b.calls += r.calls;
    b.errors += r.errors;
    b.attempts += r.retryAttempts;
    addCounts(b.counts, r.latencyCounts);
    if (r.inflightLast !== null) b.inflight = (b.inflight ?? 0) + r.inflightLast;
  }
  return [...byBucket.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, b]) => ({
      t,
      rps: b.calls / ROLLUP_SECONDS,
      errorRate: b.calls > 0 ? b.errors / b.calls : 0,
      p50Ms: percentile(b.counts, 0.5),
      p99Ms: percentile(b.counts, 0.99),
      retryAmplification: b.calls > 0 && b.attempts > 0 ? b.attempts / b.calls : null,
      inflight: b.inflight,
    }));
}

export function bulkheadHistory(batch: RollupBatch, service: string, name: string): BulkheadHistoryPoint[] {
  const byBucket = new Map<number, BulkheadHistoryPoint>();
  for (const r of batch.bulkheads) {
    if (r.service !== service || r.name !== name) continue;
    const prev = byBucket.get(r.bucketStartMs);
    // Instances of one service each own a bulkhead of the same name: add them up.
    const active = (prev?.active ?? 0) + r.activeLast;
    const limit = r.limit === null ? (prev?.limit ?? null) : (prev?.limit ?? 0) + r.limit;
    const queued = (prev?.queued ?? 0) + r.queuedLast;
    const queueLimit = r.queueLimit === null ? (prev?.queueLimit ?? null) : (prev?.queueLimit ?? 0) + r.queueLimit;
    const rejections = (prev?.rejectionsPerSec ?? 0) + r.rejections / ROLLUP_SECONDS;
    byBucket.set(r.bucketStartMs, {
      t: r.bucketStartMs,
      active,
      limit,
      queued,
      queueLimit,
      rejectionsPerSec: rejections,
      saturation: limit ? Math.min(1, active / limit) : null,
      saturatedShare: Math.max(prev?.saturatedShare ?? 0, r.saturatedMs / (ROLLUP_SECONDS * 1000)),
    });
  }
  return [...byBucket.values()].sort((a, b) => a.t - b.t);
}
