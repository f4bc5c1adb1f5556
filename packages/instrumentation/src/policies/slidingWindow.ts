/**
 * The statistics a circuit breaker decides on: how many calls, failed calls
 * and slow calls its window holds. Implementations are O(1) per call.
 * @internal
 */
export interface SlidingWindow {
  /** Records one finished call at time `now` (ms). */
  record(now: number, failed: boolean, slow: boolean): void;
  /** Brings the window to time `now` (drops what fell out), then the counters are current. */
  advance(now: number): void;
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
  /** Forgets everything. */
  clear(): void;
}
