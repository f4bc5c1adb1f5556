import type { SlidingWindow } from './slidingWindow.js';

const FAILED = 1;
const SLOW = 2;

/**
 * The last `size` calls. A ring of one byte per call (bit 0 failed, bit 1
 * slow); the running totals subtract the outcome a new call overwrites, so a
 * call costs O(1) whatever the size.
 * @internal
 */
export class CountWindow implements SlidingWindow {
  private readonly outcomes: Uint8Array;
  private next = 0;
  calls = 0;
  failures = 0;
  slowCalls = 0;

  constructor(readonly size: number) {
    this.outcomes = new Uint8Array(size);
  }

  record(_now: number, failed: boolean, slow: boolean): void {
    const index = this.next;
    if (this.calls === this.size) {
      const evicted = this.outcomes[index] ?? 0;
      this.failures -= evicted & FAILED;
      this.slowCalls -= (evicted & SLOW) >> 1;
    } else {
      this.calls++;
    }
    const outcome = (failed ? FAILED : 0) | (slow ? SLOW : 0);
    this.outcomes[index] = outcome;
    this.failures += outcome & FAILED;
    this.slowCalls += (outcome & SLOW) >> 1;
    this.next = index + 1 === this.size ? 0 : index + 1;
  }

  advance(_now: number): void {}

  clear(): void {
    this.outcomes.fill(0);
    this.next = 0;
    this.calls = 0;
    this.failures = 0;
    this.slowCalls = 0;
  }
}
