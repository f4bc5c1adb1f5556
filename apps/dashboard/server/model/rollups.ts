/**
 * Rollups: what the live model aggregates per fixed 10-second bucket and what
 * the store persists. The live model keeps recent buckets in memory; the store
 * keeps them for the retention window; topology at any moment is computed
 * from a RollupBatch, so live and historical views share one code path.
 */
import type { BreakerState, BreakerTransitionEvent, Outcome, ServiceKind } from '../../lib/apiTypes';

export const ROLLUP_SECONDS = 10;
export const ROLLUP_MS = ROLLUP_SECONDS * 1000;

/** Start of the bucket that contains `timeMs`. */
export function bucketStart(timeMs: number): number {
  return Math.floor(timeMs / ROLLUP_MS) * ROLLUP_MS;
}

/**
 * Canonical latency histogram bounds in milliseconds (upper bounds, inclusive).
 * Incoming histograms with other bounds are re-bucketed into these, so
 * histograms from any number of instances merge by adding counts; percentiles
 * come from merged counts, never from averaging per-instance percentiles.
 * `latencyCounts` arrays have LATENCY_BOUNDS_MS.length + 1 entries (last = overflow).
 * They equal the instrumentation's DURATION_BUCKETS_S × 1000 (pinned by
 * contract.test.ts), so our own histograms map bucket for bucket, without
 * interpolation.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
];

export type { BreakerState, Outcome, ServiceKind };
export const OUTCOMES: readonly Outcome[] = ['success', 'failure', 'timeout', 'short_circuited', 'bulkhead_rejected'];
export type OutcomeCounts = Record<Outcome, number>;

export function emptyOutcomes(): OutcomeCounts {
  return { success: 0, failure: 0, timeout: 0, short_circuited: 0, bulkhead_rejected: 0 };
}

/** Higher = worse; decides one state for a breaker (or an edge) reported several times. */
const BREAKER_SEVERITY: Record<BreakerState, number> = {
  disabled: 0,
  metrics_only: 1,
  closed: 2,
  half_open: 3,
  forced_open: 4,
  open: 5,
};

/** The worse of two breaker states, a missing one counting as none. */
export function worseState(a: BreakerState | null, b: BreakerState | null): BreakerState | null {
  if (a === null) return b;
  if (b === null) return a;
  return BREAKER_SEVERITY[b] > BREAKER_SEVERITY[a] ? b : a;
}

/** One dependency edge (caller service → dependency) in one bucket. Counters are deltas within the bucket. */
export interface EdgeRollup {
  bucketStartMs: number;
  source: string;
  target: string;
  /** Logical calls (one per guarded call, not per attempt). */
  calls: number;
  /** Calls whose outcome was not success. */
  errors: number;
  outcomes: OutcomeCounts;
  /** Canonical latency histogram of the calls, see LATENCY_BOUNDS_MS. */
  latencyCounts: number[];
  latencySumMs: number;
  /** Attempts made (resilience.retry.attempts); 0 when the caller does not retry. */
  retryAttempts: number;
  /** Highest `resilience.dependency.inflight` seen in the bucket, null when never reported. */
  inflightMax: number | null;
  /** Last `resilience.dependency.inflight` seen in the bucket, null when never reported. */
  inflightLast: number | null;
}

/** One breaker in one bucket. */
export interface BreakerRollup {
  bucketStartMs: number;
  name: string;
  service: string;
  dependency: string;
  /** State at the end of the bucket (last seen). */
  state: BreakerState;
  failureRate: number | null;
  slowCallRate: number | null;
}

/** Every breaker state change, as stored and as pushed on the live feed. */
export type BreakerTransition = BreakerTransitionEvent;

/** One bulkhead or worker pool in one bucket. */
export interface BulkheadRollup {
  bucketStartMs: number;
  service: string;
  name: string;
  dependency: string;
  activeLast: number;
  activeMax: number;
  limit: number | null;
  queuedLast: number;
  queuedMax: number;
  queueLimit: number | null;
  /** Rejections counted in the bucket (delta). */
  rejections: number;
  /** Milliseconds of the bucket during which active >= limit (estimated from samples). */
  saturatedMs: number;
}

/** Per-service signals in one bucket. */
export interface ServiceRollup {
  bucketStartMs: number;
  service: string;
  kind: ServiceKind;
  /** `http.server.active_requests` (last), null when not reported. */
  activeRequests: number | null;
  /** `nodejs.eventloop.utilization` (last, 0–1), null when not reported. */
  eventLoopUtilization: number | null;
  /** Event-loop delay p99 in ms (last), null when not reported. */
  eventLoopDelayP99Ms: number | null;
}

export interface RollupBatch {
  edges: EdgeRollup[];
  breakers: BreakerRollup[];
  bulkheads: BulkheadRollup[];
  services: ServiceRollup[];
  transitions: BreakerTransition[];
}

export function emptyRollupBatch(): RollupBatch {
  return { edges: [], breakers: [], bulkheads: [], services: [], transitions: [] };
}
