import type { BulkheadRow } from '../../lib/apiTypes';
import type { RollupBatch } from './rollups';

export { isSaturated } from '../../lib/saturation';
export type { BulkheadRow };

/**
 * Every bulkhead seen in the window (buckets starting in (atMs − window, atMs]): last
 * gauges, rejections per second and time saturated, sorted by saturation
 * (highest first; then share of time saturated, then rejections).
 */
export function bulkheadsView(rollups: RollupBatch, atMs: number, windowSeconds: number): BulkheadRow[] {
  const windowMs = windowSeconds * 1000;
  const from = atMs - windowMs;
  const rows = new Map<string, BulkheadRow & { lastBucket: number; saturatedMs: number; rejections: number }>();
  for (const r of rollups.bulkheads) {
    if (r.bucketStartMs <= from || r.bucketStartMs > atMs) continue;
    const key = `${r.service}\u0000${r.name}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        service: r.service,
        name: r.name,
        dependency: r.dependency,
        active: 0,
        limit: null,
        queued: 0,
        queueLimit: null,
        rejectionsPerSec: 0,
        saturation: null,
        saturatedShare: 0,
        lastBucket: Number.NEGATIVE_INFINITY,
        saturatedMs: 0,
        rejections: 0,
      };
      rows.set(key, row);
    }
    row.rejections += r.rejections;
    row.saturatedMs += r.saturatedMs;
    if (r.bucketStartMs >= row.lastBucket) {
      row.lastBucket = r.bucketStartMs;
      row.dependency = r.dependency;
      row.active = r.activeLast;
      row.limit = r.limit;
      row.queued = r.queuedLast;
      row.queueLimit = r.queueLimit;
    }
  }
  const out: BulkheadRow[] = [];
  for (const row of rows.values()) {
    out.push({
      service: row.service,
      name: row.name,
      dependency: row.dependency,
      active: row.active,
      limit: row.limit,
      queued: row.queued,
      queueLimit: row.queueLimit,
      rejectionsPerSec: windowSeconds > 0 ? row.rejections / windowSeconds : 0,
      saturation: row.limit !== null && row.limit > 0 ? row.active / row.limit : null,
      saturatedShare: windowMs > 0 ? Math.min(1, row.saturatedMs / windowMs) : 0,
    });
  }
  return out.sort(
    (a, b) =>
      (b.saturation ?? -1) - (a.saturation ?? -1) ||
      b.saturatedShare - a.saturatedShare ||
      b.rejectionsPerSec - a.rejectionsPerSec ||
      a.service.localeCompare(b.service) ||
      a.name.localeCompare(b.name),
  );
}
