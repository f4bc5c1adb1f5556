import type { Attributes } from '@opentelemetry/api';
import { type FixedCounter, FixedHistogram } from './fixedHistogram.js';
import { registerTelemetry } from './instruments.js';
import { ATTR, OUTCOME, type Outcome } from './names.js';

/**
 * Live objects the observable gauges read at collection time. Registering is
 * the only per-object cost; calls themselves never touch the registry except
 * for the in-flight integer of their dependency.
 */

/** What a circuit breaker exposes to the gauges. @internal */
export interface BreakerGaugeSource {
  /** `{ name, peer.service }`, built once. */
  readonly gaugeAttributes: Attributes;
  /** One attribute set per state for the one-series-per-state gauge, built once. */
  readonly stateAttributes: readonly (readonly [state: string, attributes: Attributes])[];
  readonly state: string;
  failureRate(): number;
  slowCallRate(): number;
}

/** What a bulkhead exposes to the gauges. @internal */
export interface BulkheadGaugeSource {
  readonly gaugeAttributes: Attributes;
  readonly active: number;
  readonly queued: number;
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  /** `resilience.bulkhead.queue.wait` when metrics are pre-aggregated (see metricRoute.ts). */
  readonly queueWait: FixedHistogram;
  /** `resilience.bulkhead.rejections` when metrics are pre-aggregated. */
  readonly rejections: FixedCounter;
}

/** Calls currently waiting on one dependency. @internal */
export interface InflightCounter {
  value: number;
  readonly attributes: Attributes;
}

// Weak references: a breaker or bulkhead that its owner dropped disappears
// from the gauges at the next collection instead of living forever.
const breakers = new Set<WeakRef<BreakerGaugeSource>>();
const bulkheads = new Set<WeakRef<BulkheadGaugeSource>>();
const inflight = new Map<string, InflightCounter>();
const durations = new Map<string, Readonly<Record<Outcome, FixedHistogram>>>();

// A new gauge source registers the gauges with the current MeterProvider:
// calls on the pre-aggregated route never look the provider up (the
// producer's collections follow a provider registered later).

/** @internal */
export function registerBreaker(source: BreakerGaugeSource): void {
  breakers.add(new WeakRef(source));
  registerTelemetry();
}

/** @internal */
export function registerBulkhead(source: BulkheadGaugeSource): void {
  bulkheads.add(new WeakRef(source));
  registerTelemetry();
}

/** The in-flight counter of `dependency`, created on first use. @internal */
export function inflightCounter(dependency: string): InflightCounter {
  let counter = inflight.get(dependency);
  if (counter === undefined) {
    counter = { value: 0, attributes: Object.freeze({ [ATTR.PEER_SERVICE]: dependency }) };
    inflight.set(dependency, counter);
    registerTelemetry();
  }
  return counter;
}

/**
 * The pre-aggregated `resilience.call.duration` series of `dependency`, one per
 * outcome, created on first use and kept for the life of the process (a
 * dependency's series are few and cumulative). @internal
 */
export function durationSeries(dependency: string): Readonly<Record<Outcome, FixedHistogram>> {
  let series = durations.get(dependency);
  if (series === undefined) {
    const byOutcome = {} as Record<Outcome, FixedHistogram>;
    for (const outcome of Object.values(OUTCOME)) {
      byOutcome[outcome] = new FixedHistogram(
        Object.freeze({ [ATTR.PEER_SERVICE]: dependency, [ATTR.OUTCOME]: outcome }),
      );
    }
    series = Object.freeze(byOutcome);
    durations.set(dependency, series);
  }
  return series;
}

/** Every pre-aggregated call-duration series. @internal */
export function allDurationSeries(): Iterable<Readonly<Record<Outcome, FixedHistogram>>> {
  return durations.values();
}

function* live<T extends object>(refs: Set<WeakRef<T>>): Generator<T> {
  for (const ref of refs) {
    const value = ref.deref();
    if (value === undefined) refs.delete(ref);
    else yield value;
  }
}

/** @internal */
export function liveBreakers(): Iterable<BreakerGaugeSource> {
  return live(breakers);
}

/** @internal */
export function liveBulkheads(): Iterable<BulkheadGaugeSource> {
  return live(bulkheads);
}

/** @internal */
export function inflightCounters(): Iterable<InflightCounter> {
  return inflight.values();
}
