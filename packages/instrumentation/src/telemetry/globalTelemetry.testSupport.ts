/**
 * A real OpenTelemetry SDK registered globally for one test file: a
 * TracerProvider into an in-memory exporter (cleared before each test), a
 * MeterProvider read on demand by a {@link TestReader}, and the
 * AsyncLocalStorage context manager. Call once at the top of the file.
 */
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type Sampler, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { TestReader } from './metricsContract.testSupport.js';

export interface GlobalTestTelemetry {
  readonly spans: InMemorySpanExporter;
  readonly reader: TestReader;
}

/** `sampler`: the TracerProvider's (default: the SDK's, ParentBased AlwaysOn). */
export function useGlobalTestTelemetry(options: { sampler?: Sampler } = {}): GlobalTestTelemetry {
  const spans = new InMemorySpanExporter();
  const reader = new TestReader();
  const tracerProvider = new TracerProvider({
    ...(options.sampler ? { sampler: options.sampler } : {}),
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  });
  const meterProvider = new MeterProvider({ readers: [reader] });

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
  });

  afterAll(async () => {
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  });

  beforeEach(() => {
    spans.reset();
  });

  return { spans, reader };
}
