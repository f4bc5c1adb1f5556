import { describe, expect, it } from 'vitest';
import type { BulkheadRow as ApiBulkheadRow, Topology as ApiTopology } from '../../lib/apiTypes';
import type { BulkheadRow } from './bulkheadsView';
import { percentile, toCanonical } from './latencyHistogram';
import { LATENCY_BOUNDS_MS } from './rollups';
import { histogramPoint, T0 } from './testTelemetry';
import type { Topology } from './topology';

describe('canonical latency histograms', () => {
  it('maps our own bounds bucket for bucket', () => {
    const h = toCanonical(
      histogramPoint('x', { service: 's', timeMs: T0, bucketCounts: [1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4] }),
    );
    expect(h.counts).toEqual([1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4]);
  });

  it('re-buckets foreign bounds (ms) in proportion to overlap', () => {
    // 10 calls in (0, 20] ms: 5 of them fall in (0, 10], of which 2.5 in (5, 10], 0.5 in (0, 1].
    const h = toCanonical(
      histogramPoint('x', { service: 's', timeMs: T0, unit: 'ms', bounds: [20], bucketCounts: [10, 0] }),
    );
    expect(h.counts.reduce((a, b) => a + b, 0)).toBeCloseTo(10);
    expect(h.counts[0]).toBeCloseTo(0.5);
    expect(h.counts[3]).toBeCloseTo(2.5);
    expect(h.counts[4]).toBeCloseTo(5);
  });

  it('reads exponential histograms', () => {
    const h = toCanonical({
      ...histogramPoint('x', { service: 's', timeMs: T0, bucketCounts: [] }),
      type: 'exponential_histogram',
      unit: 'ms',
      count: 4,
      scale: 0,
      zeroCount: 1,
      // base 2: bucket index 3 = (8, 16] ms
      positive: { offset: 3, bucketCounts: [3] },
      negative: { offset: 0, bucketCounts: [] },
    });
    expect(h.counts[0]).toBe(1);
    expect((h.counts[3] ?? 0) + (h.counts[4] ?? 0)).toBeCloseTo(3);
  });

  it('interpolates percentiles inside the bucket; overflow answers the last bound', () => {
    const counts = new Array(LATENCY_BOUNDS_MS.length + 1).fill(0);
    counts[9] = 100; // (500, 1000]
    expect(percentile(counts, 0.5)).toBeCloseTo(750);
    counts[15] = 100;
    expect(percentile(counts, 0.99)).toBe(60_000);
    expect(percentile(new Array(16).fill(0), 0.5)).toBeNull();
  });

  it('produces what the HTTP API types promise (compile-time check)', () => {
    const assignable = (t: Topology): ApiTopology => t;
    const row = (r: BulkheadRow): ApiBulkheadRow => r;
    expect(typeof assignable).toBe('function');
    expect(typeof row).toBe('function');
  });
});
