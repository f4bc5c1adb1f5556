import { emptyCounts } from './latencyHistogram';
import type { BulkheadField } from './metricMapping';
import {
  type BreakerRollup,
  type BreakerState,
  type BreakerTransition,
  type BulkheadRollup,
  type EdgeRollup,
  emptyOutcomes,
  OUTCOMES,
  type OutcomeCounts,
  type ServiceRollup,
} from './rollups';

/**
 * What the live model keeps in memory: per 10-second bucket, one accumulator
 * per edge, breaker, bulkhead and service (what arrived in that bucket, on top
 * of the `base` restored from the store), and per entity its instances'
 * current state. Plain shapes and the small helpers that fill them; the
 * model (`liveModel.ts`) decides what goes where, `rollupRecords.ts` turns a
 * bucket's accumulators into the records the store and the views read.
 */

export interface CallAgg {
  calls: number;
  outcomes: OutcomeCounts;
  counts: number[];
  sumMs: number;
}

export interface GaugeSample {
  last: number;
  lastT: number;
  max: number;
}

export interface EdgeAcc {
  metric: CallAgg | null;
  span: CallAgg | null;
  metricAttempts: number | null;
  spanAttempts: number;
  inflight: Map<string, GaugeSample> | null;
  base: EdgeRollup | null;
}

export interface BreakerSample {
  state: BreakerState | null;
  failureRate: number | null;
  slowCallRate: number | null;
}

export interface BreakerAcc {
  instances: Map<string, BreakerSample>;
  base: BreakerRollup | null;
}

export type BulkheadFields = Record<BulkheadField, number | null>;

export interface BulkheadSample extends BulkheadFields {
  activeMax: number;
  queuedMax: number;
}

export interface BulkheadAcc {
  instances: Map<string, BulkheadSample>;
  rejections: number;
  saturatedMs: Map<string, number>;
  base: BulkheadRollup | null;
}

export interface ServiceAcc {
  activeRequests: Map<string, GaugeSample> | null;
  eventLoopUtilization: Map<string, GaugeSample> | null;
  eventLoopDelayP99Ms: Map<string, GaugeSample> | null;
  base: ServiceRollup | null;
}

export interface Bucket {
  edges: Map<string, EdgeAcc>;
  breakers: Map<string, BreakerAcc>;
  bulkheads: Map<string, BulkheadAcc>;
  services: Map<string, ServiceAcc>;
}

export type EntityType = 'edges' | 'breakers' | 'bulkheads' | 'services';

export interface EdgeEntity {
  source: string;
  target: string;
}

export interface StoredTransition {
  t: BreakerTransition;
  /** 0 gauge sample, 1 counter, 2 span event (exact time). */
  precision: number;
  drained: boolean;
}

export interface BreakerInstance {
  state: BreakerState | null;
  atMs: number;
  lastSeenMs: number;
  recent: StoredTransition[];
}

export interface BreakerEntity {
  name: string;
  service: string;
  dependency: string;
  instances: Map<string, BreakerInstance>;
  restored: { state: BreakerState; atMs: number } | null;
}

export interface BulkheadInstance {
  /** Its bulkhead's key and its instance, for the saturation pass after a batch. */
  readonly key: string;
  readonly instance: string;
  fields: BulkheadFields;
  lastPointMs: number;
  lastEvalMs: number | null;
}

export interface BulkheadEntity {
  service: string;
  name: string;
  dependency: string;
  instances: Map<string, BulkheadInstance>;
}

export function newCallAgg(): CallAgg {
  return { calls: 0, outcomes: emptyOutcomes(), counts: emptyCounts(), sumMs: 0 };
}

/** Add `from`'s calls, outcomes and latency counts to `into`. */
export function addCallAgg(into: CallAgg, from: CallAgg): void {
  into.calls += from.calls;
  into.sumMs += from.sumMs;
  for (const o of OUTCOMES) into.outcomes[o] += from.outcomes[o];
  const counts = into.counts;
  for (let i = 0; i < counts.length; i++) counts[i] = (counts[i] as number) + (from.counts[i] as number);
}

export function emptyFields(): BulkheadFields {
  return {
    active: null,
    queued: null,
    limit: null,
    queueLimit: null,
    available: null,
    maxAllowed: null,
    poolSize: null,
  };
}

/** Semaphore bulkheads (resilience4j) report available/max; thread pools report active/size. */
export function deriveBulkhead(f: BulkheadFields): {
  active: number;
  limit: number | null;
  queued: number;
  queueLimit: number | null;
} {
  const active =
    f.active ?? (f.maxAllowed !== null && f.available !== null ? Math.max(0, f.maxAllowed - f.available) : 0);
  return { active, limit: f.limit ?? f.maxAllowed ?? f.poolSize, queued: f.queued ?? 0, queueLimit: f.queueLimit };
}

/** `Object.assign(target, fields)`, spelled out: a fixed shape copies without a generic property walk. */
export function copyFields(target: BulkheadFields, f: BulkheadFields): void {
  target.active = f.active;
  target.queued = f.queued;
  target.limit = f.limit;
  target.queueLimit = f.queueLimit;
  target.available = f.available;
  target.maxAllowed = f.maxAllowed;
  target.poolSize = f.poolSize;
}

/** One complete snapshot of an instance's fields, into the bucket sample: last values and the bucket's peaks. */
export function takeBulkheadSnapshot(sample: BulkheadSample, fields: BulkheadFields): void {
  copyFields(sample, fields);
  const d = deriveBulkhead(fields);
  sample.activeMax = Math.max(sample.activeMax, d.active);
  sample.queuedMax = Math.max(sample.queuedMax, d.queued);
}

export function setGauge(map: Map<string, GaugeSample>, key: string, value: number, t: number): void {
  const s = map.get(key);
  if (!s) {
    map.set(key, { last: value, lastT: t, max: value });
    return;
  }
  if (t >= s.lastT) {
    s.last = value;
    s.lastT = t;
  }
  if (value > s.max) s.max = value;
}

export function sumGauges(map: Map<string, GaugeSample> | null, pick: 'last' | 'max'): number | null {
  if (!map || map.size === 0) return null;
  let s = 0;
  for (const g of map.values()) s += g[pick];
  return s;
}

export function maxGauges(map: Map<string, GaugeSample> | null): number | null {
  if (!map || map.size === 0) return null;
  let m = Number.NEGATIVE_INFINITY;
  for (const g of map.values()) if (g.last > m) m = g.last;
  return m;
}
