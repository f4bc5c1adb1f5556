/**
 * A real OpenTelemetry SDK for the Faultline contestants, configured the way
 * `@faultline/instrumentation/setup` configures an application's: a
 * MeterProvider whose reader collects every second (the dashboard's live
 * interval) with the package's metric producer attached, and a
 * TracerProvider, registered globally. Exporters stay in
 * memory, so what is measured is the SDK's work, not the network's.
 *
 * The AsyncLocalStorage context manager is optional (`--flag als`): on Node 20
 * it installs promise hooks that slow *every* promise in the process — the
 * bare call goes from ≈ 30 to ≈ 130 ns here — which would blur all rows alike
 * and hide the policies' own costs. By default the SDK's StackContextManager
 * is registered instead: `context.with` really sets the active context, but
 * only for the synchronous part of the callback, which is all the call
 * boundary reads (the parent when the call starts). So the "spans sampled"
 * row is a lower bound of what an application with context propagation pays.
 *
 * One global tracer provider serves both "spans unsampled" and "spans
 * sampled": its ParentBased sampler's root sampler delegates to the SDK's own
 * AlwaysOff or AlwaysOn sampler, switched before each sample of the contestant concerned (the
 * global provider can be registered only once per process).
 */
import { faultlineMetricProducer } from '@faultline/instrumentation/metric-producer';
import { PooledIdGenerator } from '@faultline/instrumentation/setup';
import {
  type Attributes,
  type Context,
  context,
  type Link,
  metrics,
  ROOT_CONTEXT,
  type SpanKind,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  InMemorySpanExporter,
  ParentBasedSampler,
  type Sampler,
  type SamplingResult,
  SimpleSpanProcessor,
  StackContextManager,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

/** Counts exported data points and drops them: proof that metrics flowed, without growing the heap. */
class CountingMetricExporter implements PushMetricExporter {
  points = 0;
  exports = 0;
  readonly metricNames = new Set<string>();

  export(batch: ResourceMetrics, done: (result: ExportResult) => void): void {
    this.exports++;
    for (const scope of batch.scopeMetrics) {
      for (const metric of scope.metrics) {
        this.metricNames.add(metric.descriptor.name);
        this.points += metric.dataPoints.length;
      }
    }
    done({ code: ExportResultCode.SUCCESS });
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }

  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

class SwitchableSampler implements Sampler {
  private readonly on: Sampler = new AlwaysOnSampler();
  private readonly off: Sampler = new AlwaysOffSampler();
  sampled = false;

  shouldSample(
    parent: Context,
    traceId: string,
    name: string,
    kind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    return (this.sampled ? this.on : this.off).shouldSample(parent, traceId, name, kind, attributes, links);
  }

  toString(): string {
    return `Switchable{${this.sampled ? 'AlwaysOn' : 'AlwaysOff'}}`;
  }
}

export interface BenchTelemetry {
  readonly meterProvider: MeterProvider;
  readonly tracerProvider: TracerProvider;
  /** Spans of the sampled contestant; reset before each of its samples to bound memory. */
  readonly spans: InMemorySpanExporter;
  /** Route new spans to AlwaysOn (`true`) or AlwaysOff (`false`). */
  sampleSpans(on: boolean): void;
  /** Collect now and report what the metric pipeline has seen so far. */
  metricsSeen(): Promise<{ exports: number; points: number; names: string[] }>;
  shutdown(): Promise<void>;
}

export const METRIC_EXPORT_INTERVAL_MS = 1000;

/** The remote parent of an inbound request that was not sampled (W3C traceparent flags 00). */
export const UNSAMPLED_PARENT = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.NONE,
  isRemote: true,
});

export function startBenchTelemetry(options: { asyncLocalStorage: boolean }): BenchTelemetry {
  const exporter = new CountingMetricExporter();
  // As startTelemetry does: the package's pre-aggregated per-call metrics are
  // exported by its producer at collection time.
  const producer = faultlineMetricProducer();
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: METRIC_EXPORT_INTERVAL_MS,
    metricProducers: [producer],
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const sampler = new SwitchableSampler();
  const spans = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    idGenerator: new PooledIdGenerator(), // as startTelemetry does
    // ParentBased, as startTelemetry installs (and the SDK's default): a child
    // of an unsampled parent is never sampled, whatever the root sampler says.
    sampler: new ParentBasedSampler({ root: sampler }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  });

  context.setGlobalContextManager(
    options.asyncLocalStorage ? new AsyncLocalStorageContextManager().enable() : new StackContextManager().enable(),
  );
  metrics.setGlobalMeterProvider(meterProvider);
  trace.setGlobalTracerProvider(tracerProvider);

  return {
    meterProvider,
    tracerProvider,
    spans,
    sampleSpans(on) {
      sampler.sampled = on;
    },
    async metricsSeen() {
      await meterProvider.forceFlush();
      return { exports: exporter.exports, points: exporter.points, names: [...exporter.metricNames].sort() };
    },
    async shutdown() {
      await Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()]);
      producer.shutdown();
      metrics.disable();
      trace.disable();
      context.disable();
    },
  };
}
