/**
 * Per saga type and time bucket: how many runs started, how many had to be
 * undone, how many could not be undone, and how long finished runs took.
 */
import type { SagaStatsPoint } from './sagaApiTypes';
import type { SagaRunRecord } from './sagaRunRecord';

/** One saga type in one time bucket (the `GET /api/sagas/stats` point). */
export type SagaStatsRow = SagaStatsPoint;

/** Nearest-rank percentile of ascending `sorted` (non-empty). */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** Rows sorted by saga name, then bucket. */
export function sagaStats(runs: Iterable<SagaRunRecord>, bucketMs: number): SagaStatsRow[] {
  if (!(Number.isFinite(bucketMs) && bucketMs > 0)) throw new RangeError('sagaStats: bucketMs must be a number > 0');
  const groups = new Map<string, { name: string; bucketStartMs: number; runs: SagaRunRecord[] }>();
  for (const run of runs) {
    const bucketStartMs = Math.floor(run.startedAt / bucketMs) * bucketMs;
    const key = `${run.name}\u0000${bucketStartMs}`;
    let group = groups.get(key);
    if (!group) {
      group = { name: run.name, bucketStartMs, runs: [] };
      groups.set(key, group);
    }
    group.runs.push(run);
  }
  const rows: SagaStatsRow[] = [];
  for (const { name, bucketStartMs, runs: group } of groups.values()) {
    const finished = group.filter((r) => r.endedAt !== null && r.status !== 'running' && r.status !== 'stuck');
    const durations = finished.map((r) => (r.endedAt as number) - r.startedAt).sort((a, b) => a - b);
    const undone = finished.filter((r) => r.status === 'compensated' || r.status === 'failed').length;
    const failed = finished.filter((r) => r.status === 'failed').length;
    const any = finished.length > 0;
    rows.push({
      name,
      bucketStartMs,
      runs: group.length,
      unfinished: group.length - finished.length,
      compensationRate: any ? undone / finished.length : null,
      failureRate: any ? failed / finished.length : null,
      p50Ms: any ? percentile(durations, 0.5) : null,
      p95Ms: any ? percentile(durations, 0.95) : null,
      p99Ms: any ? percentile(durations, 0.99) : null,
    });
  }
  return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.bucketStartMs - b.bucketStartMs));
}
