import type { Attributes } from '@opentelemetry/api';
import { DURATION_BUCKETS_S } from './names.js';

const BOUNDS = Float64Array.from(DURATION_BUCKETS_S);

/**
 * A cumulative explicit-bucket histogram over {@link DURATION_BUCKETS_S} for
 * one attribute set, kept by the package itself so recording a duration costs
 * a few comparisons and additions: no attribute hashing, no allocation
 * (the SDK's `histogram.record` hashes the attribute set on every call).
 * Exported at collection time by the Faultline metric producer.
 *
 * Buckets follow OTLP/SDK semantics: bucket `i` counts values `v` with
 * `bounds[i-1] < v <= bounds[i]` (upper bound inclusive), the last one the
 * values above the highest bound. Durations are mostly short, so a linear scan
 * from the lowest bound usually stops at the first comparisons.
 * @internal
 */
export class FixedHistogram {
  readonly counts = new Float64Array(BOUNDS.length + 1);
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  /** Wall-clock ms of the first record: the start time of the cumulative series. */
  startTimeMs = 0;

  constructor(readonly attributes: Attributes) {}

  record(value: number): void {
    if (Number.isNaN(value)) return;
    if (this.count === 0) this.startTimeMs = Date.now();
    let index = 0;
    while (index < BOUNDS.length && value > (BOUNDS[index] as number)) index++;
    this.counts[index] = (this.counts[index] as number) + 1;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
}

/** A cumulative monotonic counter for one attribute set (see {@link FixedHistogram}). @internal */
export class FixedCounter {
  value = 0;
  startTimeMs = 0;

  constructor(readonly attributes: Attributes) {}

  add(increment: number): void {
    if (this.value === 0) this.startTimeMs = Date.now();
    this.value += increment;
  }
}
