/**
 * A source of monotonic time in milliseconds. Every policy takes one so tests
 * can drive time by hand instead of sleeping.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale; only differences are meaningful. */
  now(): number;
}

// What the globals were when the package loaded.
const LOADED_PERFORMANCE = performance;
const LOADED_DATE = Date;
const LOADED_SET_TIMEOUT = setTimeout;

/**
 * `performance.now()`: every reading of the process clock in the package goes
 * through here (twice per guarded call, per saga and step).
 *
 * In Node 20 the global `performance` is an accessor (a lazy getter) that
 * costs ≈ 10 ns a read on top of the ≈ 40 ns of `now()`, so the object seen at
 * load is used directly. Fake-timer libraries (vitest, jest, sinon) replace
 * `performance` together with `Date` and `setTimeout`: while either of those
 * differs from what it was at load, the global is read as before, so a
 * timeout on the default clock still follows fake time. The two checks are
 * loads of plain global properties, which V8 compiles to constants.
 */
export function systemNow(): number {
  return (Date === LOADED_DATE && setTimeout === LOADED_SET_TIMEOUT ? LOADED_PERFORMANCE : performance).now();
}

/** The process clock: `performance.now()`, monotonic and sub-millisecond. */
export const systemClock: Clock = { now: systemNow };
