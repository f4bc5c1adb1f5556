import type { BreakerSample, BulkheadInstance, BulkheadSample } from './accumulators';
import { PairMap } from './pairMap';

/** A breaker a metric batch has admitted, and the sample its rate gauges last wrote. */
export interface BreakerMemo {
  readonly dependency: string;
  readonly key: string;
  start: number;
  instance: string;
  sample: BreakerSample | null;
}

/**
 * A bulkhead instance a metric batch has admitted, and the bucket sample its
 * gauges are filling. An export reports active, queued, limit and queue limit
 * as separate points of one snapshot (same time): the sample takes the
 * instance's fields once that snapshot is complete (see `GaugeMemo.settle`),
 * not once per point.
 */
export interface BulkheadMemo {
  readonly dependency: string;
  readonly key: string;
  readonly instance: string;
  readonly inst: BulkheadInstance;
  start: number;
  /** Time of the snapshot being filled. */
  t: number;
  /** The sample to bring up to date with `inst.fields`, or null when it is. */
  sample: BulkheadSample | null;
}

/**
 * What one metric batch has resolved already, by (service, breaker or
 * bulkhead name): a batch holds several points per breaker (its state series,
 * two rates) and per bulkhead (four gauges), and each would otherwise intern
 * the key, touch the registry, look up the bucket and mark it dirty again.
 *
 * Valid while nothing outside the batch can have changed what it points to:
 * the model clears it (after settling) before a transition listener runs —
 * a listener may drain the dirty marks — and when a registry evicts.
 */
export class GaugeMemo {
  readonly breakers = new PairMap<BreakerMemo>();
  readonly bulkheads = new PairMap<BulkheadMemo>();
  /** Whether a bulkhead sample may be waiting for its snapshot. */
  private pending = false;

  /** Note that `m.sample` waits for `m.inst`'s fields. */
  fill(m: BulkheadMemo, sample: BulkheadSample, start: number, t: number): void {
    m.sample = sample;
    m.start = start;
    m.t = t;
    this.pending = true;
  }

  /** Brings every waiting bulkhead sample up to date with `update`, then forgets everything. */
  settle(update: (m: BulkheadMemo) => void): void {
    if (this.pending) {
      for (const m of this.bulkheads.values()) if (m.sample !== null) update(m);
      this.pending = false;
    }
    this.breakers.clear();
    this.bulkheads.clear();
  }
}
