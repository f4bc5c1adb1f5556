import {
  type BreakerAcc,
  type BreakerEntity,
  type BulkheadAcc,
  type BulkheadEntity,
  deriveBulkhead,
  type EdgeAcc,
  type EdgeEntity,
  maxGauges,
  type ServiceAcc,
  sumGauges,
} from './accumulators';
import { addCounts, emptyCounts } from './latencyHistogram';
import { SEP } from './pairKeys';
import {
  type BreakerRollup,
  type BreakerState,
  type BulkheadRollup,
  type EdgeRollup,
  emptyOutcomes,
  OUTCOMES,
  ROLLUP_MS,
  type ServiceKind,
  type ServiceRollup,
  worseState,
} from './rollups';

/**
 * One bucket's accumulators as the records the store persists and the views
 * read (`RollupBatch`): what arrived in the bucket on top of its restored
 * `base`, several instances of one entity combined (breaker: the worst state
 * and highest rates; bulkhead: figures summed over instances). The entity,
 * when the model still knows it, names the record; otherwise its key does.
 */

export function edgeRollup(start: number, key: string, acc: EdgeAcc, entity: EdgeEntity | undefined): EdgeRollup {
  const [source = '', target = ''] = entity ? [entity.source, entity.target] : key.split(SEP);
  const base = acc.base;
  const out: EdgeRollup = {
    bucketStartMs: start,
    source,
    target,
    calls: base?.calls ?? 0,
    errors: 0,
    outcomes: base ? { ...base.outcomes } : emptyOutcomes(),
    latencyCounts: base ? base.latencyCounts.slice() : emptyCounts(),
    latencySumMs: base?.latencySumMs ?? 0,
    retryAttempts: base?.retryAttempts ?? 0,
    inflightMax: sumGauges(acc.inflight, 'max') ?? base?.inflightMax ?? null,
    inflightLast: sumGauges(acc.inflight, 'last') ?? base?.inflightLast ?? null,
  };
  const chosen = acc.metric ?? acc.span;
  if (chosen) {
    out.calls += chosen.calls;
    for (const o of OUTCOMES) out.outcomes[o] += chosen.outcomes[o];
    addCounts(out.latencyCounts, chosen.counts);
    out.latencySumMs += chosen.sumMs;
  }
  out.retryAttempts += acc.metric ? (acc.metricAttempts ?? 0) : (acc.metricAttempts ?? acc.spanAttempts);
  out.errors = Math.max(0, out.calls - out.outcomes.success);
  return out;
}

export function breakerRollup(
  start: number,
  key: string,
  acc: BreakerAcc,
  e: BreakerEntity | undefined,
): BreakerRollup | null {
  let state: BreakerState | null = null;
  let failureRate: number | null = null;
  let slowCallRate: number | null = null;
  for (const s of acc.instances.values()) {
    state = worseState(state, s.state);
    if (s.failureRate !== null) failureRate = Math.max(failureRate ?? 0, s.failureRate);
    if (s.slowCallRate !== null) slowCallRate = Math.max(slowCallRate ?? 0, s.slowCallRate);
  }
  state ??= acc.base?.state ?? null;
  if (state === null) {
    // Only rates so far: the instance state known from earlier buckets.
    for (const i of e?.instances.values() ?? []) {
      state = worseState(state, i.state);
    }
    state ??= e?.restored?.state ?? null;
  }
  if (state === null) return null;
  const [service = '', name = ''] = e ? [e.service, e.name] : key.split(SEP);
  return {
    bucketStartMs: start,
    name,
    service,
    dependency: e?.dependency ?? acc.base?.dependency ?? name,
    state,
    failureRate: failureRate ?? acc.base?.failureRate ?? null,
    slowCallRate: slowCallRate ?? acc.base?.slowCallRate ?? null,
  };
}

export function bulkheadRollup(
  start: number,
  key: string,
  acc: BulkheadAcc,
  e: BulkheadEntity | undefined,
): BulkheadRollup {
  const [service = '', name = ''] = e ? [e.service, e.name] : key.split(SEP);
  const base = acc.base;
  const out: BulkheadRollup = {
    bucketStartMs: start,
    service,
    name,
    dependency: e?.dependency ?? base?.dependency ?? name,
    activeLast: base?.activeLast ?? 0,
    activeMax: base?.activeMax ?? 0,
    limit: base?.limit ?? null,
    queuedLast: base?.queuedLast ?? 0,
    queuedMax: base?.queuedMax ?? 0,
    queueLimit: base?.queueLimit ?? null,
    rejections: (base?.rejections ?? 0) + acc.rejections,
    saturatedMs: base?.saturatedMs ?? 0,
  };
  if (acc.instances.size > 0) {
    let active = 0;
    let activeMax = 0;
    let queued = 0;
    let queuedMax = 0;
    let limit: number | null = null;
    let queueLimit: number | null = null;
    for (const s of acc.instances.values()) {
      const d = deriveBulkhead(s);
      active += d.active;
      activeMax += Math.max(s.activeMax, d.active);
      queued += d.queued;
      queuedMax += Math.max(s.queuedMax, d.queued);
      if (d.limit !== null) limit = (limit ?? 0) + d.limit;
      if (d.queueLimit !== null) queueLimit = (queueLimit ?? 0) + d.queueLimit;
    }
    out.activeLast = active;
    out.activeMax = Math.max(activeMax, active);
    out.queuedLast = queued;
    out.queuedMax = Math.max(queuedMax, queued);
    out.limit = limit ?? out.limit;
    out.queueLimit = queueLimit ?? out.queueLimit;
  }
  let saturated = 0;
  for (const ms of acc.saturatedMs.values()) saturated = Math.max(saturated, ms);
  out.saturatedMs = Math.min(ROLLUP_MS, Math.max(out.saturatedMs, saturated));
  return out;
}

export function serviceRollup(
  start: number,
  name: string,
  acc: ServiceAcc,
  kind: ServiceKind | undefined,
): ServiceRollup {
  const base = acc.base;
  return {
    bucketStartMs: start,
    service: name,
    kind: kind ?? base?.kind ?? 'service',
    activeRequests: sumGauges(acc.activeRequests, 'last') ?? base?.activeRequests ?? null,
    eventLoopUtilization: maxGauges(acc.eventLoopUtilization) ?? base?.eventLoopUtilization ?? null,
    eventLoopDelayP99Ms: maxGauges(acc.eventLoopDelayP99Ms) ?? base?.eventLoopDelayP99Ms ?? null,
  };
}
