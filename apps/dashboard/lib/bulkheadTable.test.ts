import { describe, expect, it } from 'vitest';
import type { BulkheadRow } from './apiTypes';
import { filterBulkheads, isSaturated, sortBySaturation } from './bulkheadTable';

const row = (name: string, saturation: number | null, extra: Partial<BulkheadRow> = {}): BulkheadRow => ({
  service: 'order-service',
  name,
  dependency: 'payment-service',
  active: 1,
  limit: 10,
  queued: 0,
  queueLimit: 10,
  rejectionsPerSec: 0,
  saturation,
  saturatedShare: 0,
  ...extra,
});

describe('bulkhead table', () => {
  it('sorts by saturation, then rejections, unlimited pools last', () => {
    const rows = [row('a', 0.5), row('b', null), row('c', 1), row('d', 1, { rejectionsPerSec: 5 })];
    expect(sortBySaturation(rows).map((r) => r.name)).toEqual(['d', 'c', 'a', 'b']);
  });
  it('flags full pools and full queues as saturated', () => {
    expect(isSaturated(row('a', 1))).toBe(true);
    expect(isSaturated(row('a', 0.9, { queued: 10 }))).toBe(true);
    expect(isSaturated(row('a', 0.9))).toBe(false);
    expect(isSaturated(row('a', null, { queueLimit: null, queued: 99 }))).toBe(false);
  });
  it('filters by service, pool or dependency name', () => {
    expect(filterBulkheads([row('pool-x', 1), row('other', 1)], 'X')).toHaveLength(1);
    expect(filterBulkheads([row('pool-x', 1)], 'payment')).toHaveLength(1);
  });
});
