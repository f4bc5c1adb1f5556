import type { Health } from '../../lib/apiTypes';
import type { OutcomeCounts } from './rollups';

export type { Health };

/**
 * Every threshold the map, the cascade analysis and the what-if walk use, in
 * one place.
 *
 * A service's **own health** is judged from the calls that reached it
 * (incoming calls minus the ones callers' breakers and bulkheads refused
 * before sending): "errors" are failures and timeouts.
 *   failing  — error rate ≥ 25 %, or a caller's breaker on it is open and too
 *              few calls reach it to show recovery;
 *   degraded — error rate ≥ 5 %, or p99 ≥ 1 s, or a caller's breaker is open.
 * Fewer than 5 calls in the window are not judged (noise).
 *
 * As a **caller**, a service is degraded when something drags it down:
 *   an outgoing edge with uncontained errors (failures + timeouts) ≥ 5 % or
 *   p99 ≥ 1 s; ≥ 50 % of its in-flight requests waiting on one dependency;
 *   a saturated bulkhead (full now, or ≥ 25 % of the window); event-loop
 *   utilization ≥ 0.9 or delay p99 ≥ 100 ms.
 * Short-circuited and bulkhead-rejected calls are fast failures: the
 * protection working, so they do not drag the caller down.
 */
export const HEALTH_THRESHOLDS = {
  minCalls: 5,
  failingErrorRate: 0.25,
  degradedErrorRate: 0.05,
  degradedP99Ms: 1000,
  blockedShare: 0.5,
  /**
   * Callers always wait on something: a pass-through service has ~100 % of its
   * in-flight requests on its dependency while all is well. Waiting only
   * drags a caller down when the dependency is also slow (p99 at or above this).
   */
  blockedSlowP99Ms: 250,
  eventLoopUtilization: 0.9,
  eventLoopDelayP99Ms: 100,
  /** Attempts per logical call from which the map shows amplification and a storm can be called. */
  retryAmplification: 1.2,
  /** Amplification that, with a degraded dependency and not falling, is a retry storm. */
  retryStorm: 1.5,
  /** A timeout at or below this (seen as timeouts with p99 ≤ it) contains a failure in the what-if walk. */
  shortTimeoutMs: 2000,
} as const;

const RANK: Record<Health, number> = { healthy: 0, degraded: 1, failing: 2 };

export function worse(a: Health, b: Health): Health {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Calls that were sent to the dependency (not refused by the caller's breaker or bulkhead). */
export function reachingCalls(o: OutcomeCounts): number {
  return o.success + o.failure + o.timeout;
}

/** Failures and timeouts: the errors a dependency is responsible for. */
export function uncontainedErrors(o: OutcomeCounts): number {
  return o.failure + o.timeout;
}
