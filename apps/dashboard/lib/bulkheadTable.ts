/**
 * Ordering and flags for the bulkheads table: the most saturated pool first,
 * and a saturated row marked in words, not by colour alone.
 */
import type { BulkheadRow } from './apiTypes';

export { isSaturated } from './saturation';

export function bulkheadKey(row: Pick<BulkheadRow, 'service' | 'name'>): string {
  return `${row.service}/${row.name}`;
}

/**
 * Saturation descending; pools without a limit (saturation null) last. Ties go to the
 * pool rejecting more, then queueing more, then by name so the order is stable.
 */
export function sortBySaturation(rows: readonly BulkheadRow[]): BulkheadRow[] {
  return [...rows].sort(
    (a, b) =>
      (b.saturation ?? -1) - (a.saturation ?? -1) ||
      b.rejectionsPerSec - a.rejectionsPerSec ||
      b.queued - a.queued ||
      bulkheadKey(a).localeCompare(bulkheadKey(b)),
  );
}

export function filterBulkheads(rows: readonly BulkheadRow[], q: string): BulkheadRow[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return [...rows];
  return rows.filter((r) => `${r.service} ${r.name} ${r.dependency}`.toLowerCase().includes(needle));
}
