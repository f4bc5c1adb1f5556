/**
 * A source of monotonic time in milliseconds. Every policy takes one so tests
 * can drive time by hand instead of sleeping.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale; only differences are meaningful. */
  now(): number;
}

/** The process clock: `performance.now()`, monotonic and sub-millisecond. */
export const systemClock: Clock = { now: () => performance.now() };
