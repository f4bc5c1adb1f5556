/**
 * Test-only: the reference incident of DESIGN.md as rollups — User → Order →
 * Payment, User → Profile, Order → Inventory, Payment → Email, Order → Email —
 * in its two versions (unprotected: Payment times out and Order retries it;
 * protected: Order's breaker is open and its bulkhead holds), plus a large
 * synthetic graph for timing.
 */
import { canonicalIndex, emptyCounts } from './latencyHistogram';
import {
  type BreakerRollup,
  type BulkheadRollup,
  type EdgeRollup,
  emptyRollupBatch,
  type OutcomeCounts,
  type RollupBatch,
} from './rollups';

export function edgeRollup(
  bucketStartMs: number,
  source: string,
  target: string,
  o: Partial<OutcomeCounts> & { latencyMs?: number; attempts?: number; inflight?: number },
): EdgeRollup {
  const outcomes: OutcomeCounts = {
    success: o.success ?? 0,
    failure: o.failure ?? 0,
    timeout: o.timeout ?? 0,
    short_circuited: o.short_circuited ?? 0,
    bulkhead_rejected: o.bulkhead_rejected ?? 0,
  };
  const calls = Object.values(outcomes).reduce((a, b) => a + b, 0);
  const latencyCounts = emptyCounts();
  latencyCounts[canonicalIndex(o.latencyMs ?? 20)] = calls;
  return {
    bucketStartMs,
    source,
    target,
    calls,
    errors: calls - outcomes.success,
    outcomes,
    latencyCounts,
    latencySumMs: calls * (o.latencyMs ?? 20),
    retryAttempts: o.attempts ?? 0,
    inflightMax: o.inflight ?? null,
    inflightLast: o.inflight ?? null,
  };
}

export function breakerRollup(
  bucketStartMs: number,
  service: string,
  dependency: string,
  state: BreakerRollup['state'],
): BreakerRollup {
  return {
    bucketStartMs,
    name: `${dependency}-breaker`,
    service,
    dependency,
    state,
    failureRate: null,
    slowCallRate: null,
  };
}

export function bulkheadRollup(
  bucketStartMs: number,
  service: string,
  dependency: string,
  active: number,
  limit: number,
  saturatedMs = 0,
): BulkheadRollup {
  return {
    bucketStartMs,
    service,
    name: `${dependency}-bulkhead`,
    dependency,
    activeLast: active,
    activeMax: active,
    limit,
    queuedLast: 0,
    queuedMax: 0,
    queueLimit: 10,
    rejections: 0,
    saturatedMs,
  };
}

/** Payment's DB pool is exhausted; calls time out after 30 s; Order retries ×3.1; nothing contains it. */
export function unprotectedIncident(bucket: number): RollupBatch {
  const b = emptyRollupBatch();
  b.edges.push(
    edgeRollup(bucket, 'user', 'order', { success: 150, failure: 850, latencyMs: 28_000 }),
    edgeRollup(bucket, 'user', 'profile', { success: 500, latencyMs: 8 }),
    edgeRollup(bucket, 'order', 'inventory', { success: 400, latencyMs: 12 }),
    edgeRollup(bucket, 'order', 'payment', {
      success: 80,
      timeout: 920,
      latencyMs: 30_000,
      attempts: 3100,
      inflight: 990,
    }),
    edgeRollup(bucket, 'payment', 'email', { success: 80, latencyMs: 40 }),
    edgeRollup(bucket, 'order', 'email', { success: 60, latencyMs: 40 }),
  );
  return b;
}

/** Same spike with Order's breaker open and a bulkhead on Order → Payment: Order answers from its fallback. */
export function protectedIncident(bucket: number): RollupBatch {
  const b = emptyRollupBatch();
  b.edges.push(
    edgeRollup(bucket, 'user', 'order', { success: 1000, latencyMs: 30 }),
    edgeRollup(bucket, 'user', 'profile', { success: 500, latencyMs: 8 }),
    edgeRollup(bucket, 'order', 'inventory', { success: 400, latencyMs: 12 }),
    edgeRollup(bucket, 'order', 'payment', { short_circuited: 980, failure: 20, latencyMs: 1 }),
    edgeRollup(bucket, 'payment', 'email', { success: 5, latencyMs: 40 }),
    edgeRollup(bucket, 'order', 'email', { success: 60, latencyMs: 40 }),
  );
  b.breakers.push(breakerRollup(bucket, 'order', 'payment', 'open'));
  b.bulkheads.push(bulkheadRollup(bucket, 'order', 'payment', 2, 20));
  return b;
}

/**
 * A layered graph of `services` services and `edges` edges (callers in layer
 * k call services in layer k + 1); the deepest layer's first service fails.
 */
export function largeIncident(bucket: number, services: number, edges: number): RollupBatch {
  const b = emptyRollupBatch();
  const layers = 10;
  const perLayer = Math.ceil(services / layers);
  const name = (layer: number, i: number) => `svc-${layer}-${i}`;
  let made = 0;
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const seen = new Set<string>();
  while (made < edges) {
    const layer = Math.floor(rand() * (layers - 1));
    const s = name(layer, Math.floor(rand() * perLayer));
    const t = name(layer + 1, Math.floor(rand() * perLayer));
    if (seen.has(`${s}>${t}`)) continue;
    seen.add(`${s}>${t}`);
    const failing = t === name(layers - 1, 0);
    b.edges.push(
      edgeRollup(
        bucket,
        s,
        t,
        failing ? { success: 10, timeout: 90, latencyMs: 30_000 } : { success: 100, latencyMs: 20 },
      ),
    );
    made++;
  }
  return b;
}
