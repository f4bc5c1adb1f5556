import type { Call, Expect } from '../../lib/loops.js';

/**
 * The situations a guarded call can be in; each is measured on its own,
 * because a policy's cost differs by an order of magnitude between them.
 */
export type Path =
  /** Breaker closed, the work succeeds. */
  | 'success'
  /** Breaker closed, every other call fails; the trip threshold (90 %) is never reached. */
  | 'failure'
  /** Breaker open: the call is rejected without reaching the work. */
  | 'open'
  /** 100 calls in flight against 10 permits and a queue of 100: 90 wait their turn, none is rejected. */
  | 'bulkhead-queued'
  /** Permits and queue all taken by held calls: every measured call is rejected at once. */
  | 'bulkhead-rejected';

/** A contestant made ready for one path: the call to time and how to clean up after it. */
export interface Prepared {
  readonly call: Call;
  readonly expect: Expect;
  /** Untimed, before each sample (switching samplers, clearing exporters). */
  readonly beforeSample?: () => unknown;
  dispose(): unknown;
}

export interface ContestantSpec {
  readonly name: string;
  /** Returns `undefined` when the path does not apply (no bulkhead, no breaker). */
  prepare(path: Path): Promise<Prepared | undefined>;
}

/** Sizes shared by every contestant so that their configurations match. */
export const CONFIG = {
  /** Count window of the breakers (opossum has only a time window; see its notes). */
  windowSize: 100,
  /** Above the 50 % failure rate of the failing work, so breakers stay closed. */
  failureRateThreshold: 0.9,
  /** Long enough that an opened breaker stays open for the whole run. */
  openDurationMs: 3_600_000,
  /** Never reached by the work, which settles on the microtask queue. */
  timeoutMs: 1000,
  /** A bulkhead that 100 in-flight calls do not saturate. */
  roomyBulkhead: { maxConcurrent: 128, maxQueue: 128 },
  /** A bulkhead that 100 in-flight calls do saturate, with a queue that absorbs the rest. */
  saturatedBulkhead: { maxConcurrent: 10, maxQueue: 100 },
  /** A bulkhead whose permits and queue are filled by held calls before measuring rejections. */
  fullBulkhead: { maxConcurrent: 10, maxQueue: 10 },
  inFlight: 100,
} as const;

/** The held calls of the rejection path must outlive the run, so their timeout is as long as an open breaker's. */
export function timeoutFor(path: Path): number {
  return path === 'bulkhead-rejected' ? CONFIG.openDurationMs : CONFIG.timeoutMs;
}

/** Runs `call` until `isOpen()` says the breaker tripped; fails loudly if it never does. */
export async function tripBreaker(call: Call, isOpen: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10 * CONFIG.windowSize && !isOpen(); i++) await call().catch(() => undefined);
  if (!isOpen()) throw new Error(`${what}: breaker did not open after ${10 * CONFIG.windowSize} failures`);
}
