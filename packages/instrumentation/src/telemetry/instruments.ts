import {
  type BatchObservableResult,
  type Counter,
  diag,
  type Histogram,
  type Meter,
  type MeterProvider,
  metrics,
  type Observable,
  ProxyTracerProvider,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { metricRoute } from './metricRoute.js';
import { DURATION_BUCKETS_S, METRIC, SCOPE_NAME, SCOPE_VERSION, UNIT } from './names.js';
import { inflightCounters, liveBreakers, liveBulkheads } from './registry.js';

/** Synchronous instruments the hot path records into. @internal */
export interface Instruments {
  readonly callDuration: Histogram;
  readonly breakerTransitions: Counter;
  readonly bulkheadRejections: Counter;
  readonly bulkheadQueueWait: Histogram;
  readonly retryAttempts: Counter;
}

/** Descriptions of the metrics that both the API instruments and the metric producer emit. @internal */
export const DESCRIPTION = {
  CALL_DURATION: 'Duration of guarded calls to a dependency, by outcome.',
  BULKHEAD_REJECTIONS: 'Calls a bulkhead turned away (full, or queue wait exceeded).',
  BULKHEAD_QUEUE_WAIT: 'Time calls spent queued in a bulkhead before a permit or a rejection.',
} as const;

let meterProvider: MeterProvider | undefined;
let current: Instruments | undefined;
let tracerProvider: TracerProvider | undefined;
let currentTracer: Tracer | undefined;

/**
 * The instruments of the current global MeterProvider. The OTel metrics API
 * has no proxy provider: instruments created before the SDK is registered
 * stay no-ops forever. So the provider is looked up on every use (a property
 * read) and instruments are rebuilt when it changed; the observable gauges are
 * registered once per meter, at that moment.
 * @internal
 */
export function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (provider !== meterProvider || current === undefined) {
    meterProvider = provider;
    current = create(provider.getMeter(SCOPE_NAME, SCOPE_VERSION));
  }
  return current;
}

/** The tracer of the current global TracerProvider (same reasoning as {@link instruments}). @internal */
export function tracer(): Tracer {
  return tracerOf(trace.getTracerProvider());
}

function tracerOf(provider: TracerProvider): Tracer {
  if (provider !== tracerProvider || currentTracer === undefined) {
    tracerProvider = provider;
    currentTracer = provider.getTracer(SCOPE_NAME, SCOPE_VERSION);
  }
  return currentTracer;
}

/** What the API's proxy provider delegates to while no SDK is registered. */
const NO_DELEGATE = new ProxyTracerProvider().getDelegate();

/**
 * The tracer call spans start from, or `undefined` while the global tracer
 * provider is the API's proxy without a delegate (no SDK registered), whose
 * tracers only hand out non-recording spans. Then call boundaries start no
 * span at all, which is what the no-op tracer would amount to (a
 * non-recording span is never made active by this package). With an SDK
 * registered every call asks it, sampled or not: a sampler's decision depends
 * on the trace id, the parent, the span name and kind, so no decision is
 * cached or guessed here. One provider lookup serves both questions.
 * @internal
 */
export function callTracer(): Tracer | undefined {
  const provider = trace.getTracerProvider();
  if (provider instanceof ProxyTracerProvider && provider.getDelegate() === NO_DELEGATE) return undefined;
  return tracerOf(provider);
}

/**
 * Registers the observable gauges with the current global MeterProvider now,
 * rather than at the first guarded call. `startTelemetry` calls it so breaker
 * and bulkhead gauges appear before any traffic.
 */
export function registerTelemetry(): void {
  try {
    instruments();
  } catch (error) {
    diag.error('@faultline/instrumentation: registering instruments failed', error);
  }
}

function create(meter: Meter): Instruments {
  const buckets = { explicitBucketBoundaries: [...DURATION_BUCKETS_S] };
  const created: Instruments = {
    callDuration: meter.createHistogram(METRIC.CALL_DURATION, {
      description: DESCRIPTION.CALL_DURATION,
      unit: UNIT.SECONDS,
      advice: buckets,
    }),
    breakerTransitions: meter.createCounter(METRIC.BREAKER_TRANSITIONS, {
      description: 'Circuit breaker state transitions.',
      unit: UNIT.TRANSITIONS,
    }),
    bulkheadRejections: meter.createCounter(METRIC.BULKHEAD_REJECTIONS, {
      description: DESCRIPTION.BULKHEAD_REJECTIONS,
      unit: UNIT.CALLS,
    }),
    bulkheadQueueWait: meter.createHistogram(METRIC.BULKHEAD_QUEUE_WAIT, {
      description: DESCRIPTION.BULKHEAD_QUEUE_WAIT,
      unit: UNIT.SECONDS,
      advice: buckets,
    }),
    retryAttempts: meter.createCounter(METRIC.RETRY_ATTEMPTS, {
      description: 'Attempts made by retry policies, by outcome of the attempt.',
      unit: UNIT.ATTEMPTS,
    }),
  };
  registerGauges(meter);
  return created;
}

let collectionsWithoutProducer = 0;

/**
 * A producer that exists but never collects means per-call metrics are
 * recorded where nobody reads them (see metricRoute.ts): say so once, after
 * two SDK collections (the first may run before the producer's own).
 */
function checkProducerAttached(): void {
  if (!metricRoute.preAggregated || metricRoute.collected || collectionsWithoutProducer < 0) return;
  if (++collectionsWithoutProducer < 2) return;
  collectionsWithoutProducer = -1;
  diag.warn(
    '@faultline/instrumentation: a Faultline metric producer was created but has not collected while the SDK did: ' +
      'pass it to your MetricReader (metricProducers), or shut it down to record per-call metrics through the API',
  );
}

function registerGauges(meter: Meter): void {
  const breakerState = meter.createObservableGauge(METRIC.BREAKER_STATE, {
    description: 'Circuit breaker state: one series per state, 1 for the current state, 0 otherwise.',
    unit: UNIT.RATIO,
  });
  const failureRate = meter.createObservableGauge(METRIC.BREAKER_FAILURE_RATE, {
    description: 'Share of failed calls in the breaker sliding window (0-1).',
    unit: UNIT.RATIO,
  });
  const slowCallRate = meter.createObservableGauge(METRIC.BREAKER_SLOW_CALL_RATE, {
    description: 'Share of slow calls in the breaker sliding window (0-1).',
    unit: UNIT.RATIO,
  });
  const active = meter.createObservableGauge(METRIC.BULKHEAD_ACTIVE, {
    description: 'Calls holding a bulkhead permit.',
    unit: UNIT.CALLS,
  });
  const queued = meter.createObservableGauge(METRIC.BULKHEAD_QUEUED, {
    description: 'Calls waiting in a bulkhead queue.',
    unit: UNIT.CALLS,
  });
  const limit = meter.createObservableGauge(METRIC.BULKHEAD_LIMIT, {
    description: 'Bulkhead maximum concurrent calls.',
    unit: UNIT.CALLS,
  });
  const queueLimit = meter.createObservableGauge(METRIC.BULKHEAD_QUEUE_LIMIT, {
    description: 'Bulkhead maximum queued calls.',
    unit: UNIT.CALLS,
  });
  const inflight = meter.createObservableGauge(METRIC.DEPENDENCY_INFLIGHT, {
    description: 'Calls currently waiting on a dependency, guarded or not.',
    unit: UNIT.CALLS,
  });
  const observables: Observable[] = [
    breakerState,
    failureRate,
    slowCallRate,
    active,
    queued,
    limit,
    queueLimit,
    inflight,
  ];
  meter.addBatchObservableCallback((result: BatchObservableResult) => {
    checkProducerAttached();
    try {
      for (const breaker of liveBreakers()) {
        const state = breaker.state;
        for (const [candidate, attributes] of breaker.stateAttributes) {
          result.observe(breakerState, candidate === state ? 1 : 0, attributes);
        }
        result.observe(failureRate, breaker.failureRate(), breaker.gaugeAttributes);
        result.observe(slowCallRate, breaker.slowCallRate(), breaker.gaugeAttributes);
      }
      for (const bulkhead of liveBulkheads()) {
        result.observe(active, bulkhead.active, bulkhead.gaugeAttributes);
        result.observe(queued, bulkhead.queued, bulkhead.gaugeAttributes);
        result.observe(limit, bulkhead.maxConcurrent, bulkhead.gaugeAttributes);
        result.observe(queueLimit, bulkhead.maxQueue, bulkhead.gaugeAttributes);
      }
      for (const counter of inflightCounters()) {
        result.observe(inflight, counter.value, counter.attributes);
      }
    } catch (error) {
      diag.error('@faultline/instrumentation: observing gauges failed', error);
    }
  }, observables);
}
