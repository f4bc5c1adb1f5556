import {
  type BreakerSample,
  type BulkheadInstance,
  type BulkheadSample,
  type ServiceAcc,
  takeBulkheadSnapshot,
} from './accumulators';
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
 * instance's fields once that snapshot is complete ({@link settleBulkhead}),
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

/** The snapshot `m` was filling is complete: its sample takes the instance's fields. */
export function settleBulkhead(m: BulkheadMemo): void {
  if (m.sample === null) return;
  takeBulkheadSnapshot(m.sample, m.inst.fields);
  m.sample = null;
}

/**
 * What one metric batch has resolved already. A batch holds many points per
 * service (each touches its bucket accumulator), several per breaker (its
 * state series, two rates) and per bulkhead (four gauges), and each would
 * otherwise look the bucket up and mark it dirty again, intern the key and
 * touch the registry.
 *
 * The answers are valid while nothing outside the batch can have changed
 * what they point to: the model calls {@link forget} before a transition
 * listener runs (a listener may drain the dirty marks) and when a registry
 * evicts (which purges buckets).
 */
export class MetricBatchMemo {
  /** The last `serviceAcc` answer (`acc` null: none). */
  serviceStart = Number.NaN;
  serviceName = '';
  serviceAcc: ServiceAcc | null = null;
  readonly breakers = new PairMap<BreakerMemo>();
  readonly bulkheads = new PairMap<BulkheadMemo>();
  /** Bulkhead instances the batch wrote, for the saturation pass after it (kept by {@link forget}). */
  readonly touched = new Set<BulkheadInstance>();

  /** Settles the bulkhead samples being filled and drops every answer. */
  forget(): void {
    for (const m of this.bulkheads.values()) settleBulkhead(m);
    this.breakers.clear();
    this.bulkheads.clear();
    this.serviceAcc = null;
  }
}
