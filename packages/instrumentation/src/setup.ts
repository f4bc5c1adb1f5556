/**
 * `@faultline/instrumentation/setup`: starts the OpenTelemetry SDK for a
 * service and points it at a Faultline dashboard (or any OTLP/HTTP endpoint,
 * e.g. a Collector). The core entry point depends on `@opentelemetry/api`
 * only; this one needs the SDK packages listed as optional peer dependencies.
 */
import { randomUUID } from 'node:crypto';
import { context, diag, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter as OTLPMetricExporterJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OTLPMetricExporterProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { faultlineMetricProducer } from './metricProducer.js';
import { checkName, checkNumber, fail } from './policies/optionChecks.js';
import { registerTelemetry } from './telemetry/instruments.js';
import { ATTR } from './telemetry/names.js';
import { PooledIdGenerator } from './telemetry/pooledIdGenerator.js';

export { type FaultlineMetricProducer, faultlineMetricProducer } from './metricProducer.js';

/** Options of {@link startTelemetry}. */
export interface TelemetryOptions {
  /** `service.name` of the resource: this service's node on the map. */
  serviceName: string;
  /** Base URL of the OTLP/HTTP receiver, e.g. `http://localhost:3000`; `/v1/traces` and `/v1/metrics` are appended. */
  endpoint: string;
  /** `service.instance.id`. Default: a random UUID per process. */
  serviceInstanceId?: string;
  /** Metric export interval (and span batch delay), ms. Default 1000, so state changes show up live. */
  metricIntervalMs?: number;
  /** OTLP encoding. Default `'json'`. */
  protocol?: 'json' | 'protobuf';
  /** Share of root traces sampled, in [0, 1]. Default 1. Child spans follow their parent. */
  sampleRatio?: number;
  /** Event-loop utilisation and delay metrics (`nodejs.eventloop.*`). Default true. */
  runtimeMetrics?: boolean;
  /** Extra HTTP headers sent with every export (e.g. authorization). */
  headers?: Record<string, string>;
}

/** What {@link startTelemetry} returns. */
export interface Telemetry {
  /** Flushes pending spans and metrics, stops the SDK and unregisters its globals. */
  shutdown(): Promise<void>;
}

/**
 * Starts a tracer provider and a meter provider exporting over OTLP/HTTP to
 * `${endpoint}/v1/traces` and `${endpoint}/v1/metrics`, and registers them
 * globally with an AsyncLocalStorage context manager and the W3C trace-context
 * and baggage propagators. Call it once, before the service does work.
 *
 * @example
 * import { startTelemetry } from '@faultline/instrumentation/setup';
 * const telemetry = startTelemetry({ serviceName: 'order-service', endpoint: 'http://localhost:3000' });
 * process.on('SIGTERM', () => telemetry.shutdown());
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const P = 'startTelemetry';
  if (options === null || typeof options !== 'object') fail(P, 'options', 'an object', options);
  const serviceName = checkName(P, 'serviceName', options.serviceName);
  const endpoint = checkName(P, 'endpoint', options.endpoint).replace(/\/+$/, '');
  const intervalMs = checkNumber(P, 'metricIntervalMs', options.metricIntervalMs ?? 1000, { min: 0, max: 2 ** 31 - 1 });
  const ratio = checkNumber(P, 'sampleRatio', options.sampleRatio ?? 1, { min: 0, minInclusive: true, max: 1 });
  const protocol = options.protocol ?? 'json';
  if (protocol !== 'json' && protocol !== 'protobuf') fail(P, 'protocol', "'json' or 'protobuf'", protocol);

  const resource = resourceFromAttributes({
    [ATTR.SERVICE_NAME]: serviceName,
    [ATTR.SERVICE_INSTANCE_ID]: options.serviceInstanceId ?? randomUUID(),
  });
  const headers = options.headers ?? {};
  const traceConfig = { url: `${endpoint}/v1/traces`, headers };
  const metricConfig = { url: `${endpoint}/v1/metrics`, headers };
  const traceExporter =
    protocol === 'json' ? new OTLPTraceExporterJson(traceConfig) : new OTLPTraceExporterProto(traceConfig);
  const metricExporter =
    protocol === 'json' ? new OTLPMetricExporterJson(metricConfig) : new OTLPMetricExporterProto(metricConfig);

  const tracerProvider = new TracerProvider({
    resource,
    // Every span, sampled or not, gets ids; the SDK's default generator costs ≈ 5× more.
    idGenerator: new PooledIdGenerator(),
    sampler: new ParentBasedSampler({
      root: ratio === 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio),
    }),
    spanProcessors: [new BatchSpanProcessor({ exporter: traceExporter, scheduledDelayMillis: intervalMs })],
  });
  // Per-call metrics are pre-aggregated by the package and exported by this
  // producer at collection time instead of going through histogram.record on
  // every call (see metricProducer.ts).
  const producer = faultlineMetricProducer();
  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: metricExporter,
        metricProducers: [producer],
        exportIntervalMillis: intervalMs,
        exportTimeoutMillis: Math.min(intervalMs, 30_000),
      }),
    ],
  });

  const contextManager = new AsyncLocalStorageContextManager().enable();
  const registered = {
    context: context.setGlobalContextManager(contextManager),
    propagation: propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    ),
    trace: trace.setGlobalTracerProvider(tracerProvider),
    metrics: metrics.setGlobalMeterProvider(meterProvider),
  };
  for (const [api, ok] of Object.entries(registered)) {
    if (!ok) diag.warn(`${P}: a global ${api} provider was already registered; it was kept`);
  }
  registerTelemetry();

  let runtime: RuntimeNodeInstrumentation | undefined;
  if (options.runtimeMetrics ?? true) {
    try {
      runtime = new RuntimeNodeInstrumentation({ enabled: false });
      runtime.setMeterProvider(meterProvider);
      runtime.enable();
    } catch (error) {
      diag.warn(`${P}: runtime metrics unavailable`, error);
    }
  }

  let stopped: Promise<void> | undefined;
  return {
    shutdown() {
      stopped ??= (async () => {
        runtime?.disable();
        await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
        producer.shutdown();
        if (registered.trace) trace.disable();
        if (registered.metrics) metrics.disable();
        if (registered.propagation) propagation.disable();
        if (registered.context) {
          context.disable();
          contextManager.disable();
        }
      })();
      return stopped;
    },
  };
}

export { PooledIdGenerator } from './telemetry/pooledIdGenerator.js';
