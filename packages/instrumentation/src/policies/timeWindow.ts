import type { SlidingWindow } from './slidingWindow.js';

/** `epoch mod buckets`, non-negative for any clock origin. */
function bucketOf(epoch: number, buckets: number): number {
  const index = epoch % buckets;
  return index < 0 ? index + buckets : index;
}

/**
 * Calls of the last `windowMs`, in `buckets` buckets of `windowMs / buckets`.
 *
 * Bucket `e mod buckets` holds the calls of epoch `e = floor(t / bucketMs)`;
 * the window is the epochs `(current - buckets, current]`. Moving from epoch
 * `h` to `e` clears the buckets of epochs `h+1 … e`, but at most `buckets`
 * of them: after an idle gap longer than the window every bucket is stale and
 * one pass clears them all (the gap costs O(buckets) once, never per call,
 * and no stale bucket survives, unlike rotating one bucket per call).
 * @internal
 */
export class TimeWindow implements SlidingWindow {
  private readonly bucketCalls: Uint32Array;
  private readonly bucketFailures: Uint32Array;
  private readonly bucketSlow: Uint32Array;
  private readonly bucketMs: number;
  private epoch = 0;
  private started = false;
  calls = 0;
  failures = 0;
  slowCalls = 0;

  constructor(
    readonly windowMs: number,
    readonly buckets: number,
  ) {
    this.bucketMs = windowMs / buckets;
    this.bucketCalls = new Uint32Array(buckets);
    this.bucketFailures = new Uint32Array(buckets);
    this.bucketSlow = new Uint32Array(buckets);
  }

  advance(now: number): void {
    const epoch = Math.floor(now / this.bucketMs);
    if (!this.started) {
      this.started = true;
      this.epoch = epoch;
      return;
    }
    if (epoch <= this.epoch) return;
    const stale = Math.min(epoch - this.epoch, this.buckets);
    for (let step = 1; step <= stale; step++) {
      const index = bucketOf(this.epoch + step, this.buckets);
      this.calls -= this.bucketCalls[index] ?? 0;
      this.failures -= this.bucketFailures[index] ?? 0;
      this.slowCalls -= this.bucketSlow[index] ?? 0;
      this.bucketCalls[index] = 0;
      this.bucketFailures[index] = 0;
      this.bucketSlow[index] = 0;
    }
    this.epoch = epoch;
  }

  record(now: number, failed: boolean, slow: boolean): void {
    this.advance(now);
    const index = bucketOf(this.epoch, this.buckets);
    this.bucketCalls[index] = (this.bucketCalls[index] ?? 0) + 1;
    this.calls++;
    if (failed) {
      this.bucketFailures[index] = (this.bucketFailures[index] ?? 0) + 1;
      this.failures++;
    }
    if (slow) {
      this.bucketSlow[index] = (this.bucketSlow[index] ?? 0) + 1;
      this.slowCalls++;
    }
  }

  clear(): void {
    this.bucketCalls.fill(0);
    this.bucketFailures.fill(0);
    this.bucketSlow.fill(0);
    this.calls = 0;
    this.failures = 0;
    this.slowCalls = 0;
  }
}
