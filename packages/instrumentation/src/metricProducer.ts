/**
 * `@faultline/instrumentation/metric-producer`: the per-call metrics of the
 * package, pre-aggregated in process and handed to an OpenTelemetry SDK
 * MetricReader at collection time.
 *
 * Recording a duration through the SDK's `histogram.record` hashes the
 * attribute set on every call (≈ 0.7–1.4 µs here); the package's own
 * fixed-bucket series cost a few comparisons (see `telemetry/fixedHistogram.ts`).
 * This producer turns them into ordinary OTLP data: explicit-bucket
 * histograms and monotonic sums, cumulative temporality, start time = first
 * record of the series, with the names, units, descriptions and attributes of
 * the telemetry contract, under the package's instrumentation scope.
 *
 * This entry imports only *types* from `@opentelemetry/sdk-metrics` (the enum
 * values it needs are checked against them at compile time), so it loads with
 * nothing but `@opentelemetry/api`.
 */
import { type Attributes, diag, type HrTime, ValueType } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type {
  AggregationTemporality,
  CollectionResult,
  DataPoint,
  DataPointType,
  Histogram,
  MetricData,
  MetricProducer,
} from '@opentelemetry/sdk-metrics';
import type { FixedCounter, FixedHistogram } from './telemetry/fixedHistogram.js';
import { DESCRIPTION, registerTelemetry } from './telemetry/instruments.js';
import { metricRoute, producerCreated, producerShutDown } from './telemetry/metricRoute.js';
import { DURATION_BUCKETS_S, METRIC, SCOPE_NAME, SCOPE_VERSION, UNIT } from './telemetry/names.js';
import { allDurationSeries, liveBulkheads } from './telemetry/registry.js';

const CUMULATIVE: AggregationTemporality.CUMULATIVE = 1;
const HISTOGRAM: DataPointType.HISTOGRAM = 0;
const SUM: DataPointType.SUM = 3;

/**
 * MetricReader ignores the resource of additional producers and uses the
 * SDK's own; this placeholder only satisfies the type.
 */
const IGNORED_RESOURCE: Resource = {
  attributes: {},
  merge: (other) => other ?? IGNORED_RESOURCE,
  getRawAttributes: () => [],
};

/** A Faultline metric producer: pass it to a MetricReader's `metricProducers`. */
export interface FaultlineMetricProducer extends MetricProducer {
  /**
   * Detaches the producer: when no producer is left, per-call metrics go back
   * to the @opentelemetry/api instruments. Idempotent.
   */
  shutdown(): void;
}

function hrTime(epochMs: number): HrTime {
  const seconds = Math.floor(epochMs / 1000);
  return [seconds, Math.round((epochMs - seconds * 1000) * 1e6)];
}

function histogramPoint(series: FixedHistogram, endTime: HrTime): DataPoint<Histogram> {
  return {
    startTime: hrTime(series.startTimeMs),
    endTime,
    attributes: series.attributes as Attributes,
    value: {
      buckets: { boundaries: [...DURATION_BUCKETS_S], counts: Array.from(series.counts) },
      count: series.count,
      sum: series.sum,
      min: series.min,
      max: series.max,
    },
  };
}

function sumPoint(series: FixedCounter, endTime: HrTime): DataPoint<number> {
  return { startTime: hrTime(series.startTimeMs), endTime, attributes: series.attributes, value: series.value };
}

function histogramMetric(name: string, description: string, points: DataPoint<Histogram>[]): MetricData {
  return {
    descriptor: { name, description, unit: UNIT.SECONDS, valueType: ValueType.DOUBLE },
    aggregationTemporality: CUMULATIVE,
    dataPointType: HISTOGRAM,
    dataPoints: points,
  };
}

/** The pre-aggregated series as metric data; series never recorded are left out, as the SDK does. */
export function collectPreAggregated(): MetricData[] {
  const endTime = hrTime(Date.now());
  const durations: DataPoint<Histogram>[] = [];
  for (const byOutcome of allDurationSeries()) {
    for (const series of Object.values(byOutcome)) {
      if (series.count > 0) durations.push(histogramPoint(series, endTime));
    }
  }
  const queueWaits: DataPoint<Histogram>[] = [];
  const rejections: DataPoint<number>[] = [];
  for (const bulkhead of liveBulkheads()) {
    if (bulkhead.queueWait.count > 0) queueWaits.push(histogramPoint(bulkhead.queueWait, endTime));
    if (bulkhead.rejections.value > 0) rejections.push(sumPoint(bulkhead.rejections, endTime));
  }
  const metrics: MetricData[] = [];
  if (durations.length > 0) metrics.push(histogramMetric(METRIC.CALL_DURATION, DESCRIPTION.CALL_DURATION, durations));
  if (queueWaits.length > 0) {
    metrics.push(histogramMetric(METRIC.BULKHEAD_QUEUE_WAIT, DESCRIPTION.BULKHEAD_QUEUE_WAIT, queueWaits));
  }
  if (rejections.length > 0) {
    metrics.push({
      descriptor: {
        name: METRIC.BULKHEAD_REJECTIONS,
        description: DESCRIPTION.BULKHEAD_REJECTIONS,
        unit: UNIT.CALLS,
        valueType: ValueType.DOUBLE,
      },
      aggregationTemporality: CUMULATIVE,
      dataPointType: SUM,
      isMonotonic: true,
      dataPoints: rejections,
    });
  }
  return metrics;
}

/**
 * Creates the producer that exports the package's pre-aggregated per-call
 * metrics (`resilience.call.duration`, `resilience.bulkhead.queue.wait`,
 * `resilience.bulkhead.rejections`). `startTelemetry` attaches one itself;
 * call this only when you build the SDK yourself, and pass the result to
 * your reader:
 *
 * ```ts
 * const reader = new PeriodicExportingMetricReader({ exporter, metricProducers: [faultlineMetricProducer()] });
 * ```
 *
 * From the moment it is created, those metrics are recorded into the
 * package's own series instead of the @opentelemetry/api instruments (each
 * record goes to exactly one of the two, see `telemetry/metricRoute.ts`), so
 * create it only to attach it to a reader; without any producer the package
 * records through the API as usual. Gauges, breaker transitions and retry
 * attempts still go through the API either way. The data is cumulative,
 * whatever the reader's temporality preference.
 */
export function faultlineMetricProducer(): FaultlineMetricProducer {
  producerCreated();
  let active = true;
  return {
    async collect(): Promise<CollectionResult> {
      const errors: unknown[] = [];
      let metrics: MetricData[] = [];
      if (active) {
        metricRoute.collected = true;
        // Calls on this route never look the MeterProvider up (see
        // callScope.ts), so the gauges follow a newly registered global
        // provider from here, at the latest one collection later.
        registerTelemetry();
        try {
          metrics = collectPreAggregated();
        } catch (error) {
          diag.error('@faultline/instrumentation: collecting pre-aggregated metrics failed', error);
          errors.push(error);
        }
      }
      return {
        resourceMetrics: {
          resource: IGNORED_RESOURCE,
          scopeMetrics: metrics.length === 0 ? [] : [{ scope: { name: SCOPE_NAME, version: SCOPE_VERSION }, metrics }],
        },
        errors,
      };
    },
    shutdown() {
      if (!active) return;
      active = false;
      producerShutDown();
    },
  };
}
