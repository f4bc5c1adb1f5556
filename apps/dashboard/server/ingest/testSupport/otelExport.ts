/**
 * Test support: real OpenTelemetry SDK exporters (OTLP/HTTP JSON and
 * protobuf) sending fixed telemetry to a URL, and a loopback server that
 * captures what they send. Used by the ingest tests only.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { context, SpanKind, SpanStatusCode, trace, ValueType } from '@opentelemetry/api';
import { OTLPMetricExporter as OTLPMetricExporterJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OTLPMetricExporterProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

export type Protocol = 'json' | 'protobuf';

export interface CapturedRequest {
  path: string;
  contentType: string;
  contentEncoding: string;
  /** Body as sent, gunzipped when it was gzip-encoded. */
  body: Buffer;
}

export interface CaptureServer {
  url: string;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

/** A loopback server that records every request and answers 200 with an empty Export…Response. */
export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const contentEncoding = req.headers['content-encoding'] ?? '';
      const contentType = req.headers['content-type'] ?? '';
      requests.push({
        path: req.url ?? '',
        contentType,
        contentEncoding,
        body: contentEncoding === 'gzip' ? gunzipSync(raw) : raw,
      });
      const json = contentType.startsWith('application/json');
      res.writeHead(200, { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const RESOURCE = {
  'service.name': 'order-service',
  'service.instance.id': 'order-1',
  'deployment.environment': 'test',
};

export interface ExportOptions {
  /** Base URL of the receiver, e.g. http://127.0.0.1:4318 */
  baseUrl: string;
  protocols: Protocol[];
  gzip?: boolean;
  headers?: Record<string, string>;
}

/**
 * Export a fixed set of spans — a SERVER span with a CLIENT child carrying
 * the resilience attributes, an error with an exception event, every
 * attribute type — through one exporter per protocol (the same spans to each).
 */
export async function exportSampleTraces(opts: ExportOptions): Promise<void> {
  const exporters = opts.protocols.map((p) => {
    const config = {
      url: `${opts.baseUrl}/v1/traces`,
      compression: (opts.gzip ? 'gzip' : 'none') as never,
      headers: opts.headers,
    };
    return p === 'json' ? new OTLPTraceExporterJson(config) : new OTLPTraceExporterProto(config);
  });
  const provider = new TracerProvider({
    resource: resourceFromAttributes(RESOURCE),
    spanProcessors: exporters.map((exporter) => new SimpleSpanProcessor({ exporter })),
  });
  const tracer = provider.getTracer('faultline-test', '1.0.0');
  tracer.startActiveSpan('POST /orders', { kind: SpanKind.SERVER, attributes: { 'http.route': '/orders' } }, (root) => {
    const client = tracer.startSpan(
      'payment charge',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'peer.service': 'payment',
          'resilience.outcome': 'timeout',
          'resilience.circuit_breaker.name': 'payment',
          'resilience.circuit_breaker.state': 'closed',
          'resilience.bulkhead.queue_wait': 0.25,
          'resilience.retry.attempt': 3,
          'negative.int': -42,
          'big.int': 2 ** 40,
          flag: true,
          tags: ['a', 'b'],
          counts: [1, 2, 3],
        },
      },
      trace.setSpan(context.active(), root),
    );
    client.addEvent('resilience.circuit_breaker.state_change', { from: 'closed', to: 'open' });
    client.recordException(new Error('timed out after 30 s'));
    client.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
    client.end();
    root.setStatus({ code: SpanStatusCode.OK });
    root.end();
  });
  await provider.forceFlush();
  await provider.shutdown();
}

/** Fan one collection out to several exporters, so each protocol carries identical data. */
function fanOut(exporters: PushMetricExporter[]): PushMetricExporter {
  return {
    export(metrics, resultCallback) {
      let pending = exporters.length;
      let failed: { code: number; error?: Error } | null = null;
      for (const e of exporters) {
        e.export(metrics, (result) => {
          if (result.code !== 0) failed = result;
          if (--pending === 0) resultCallback(failed ?? result);
        });
      }
    },
    forceFlush: async () => {
      await Promise.all(exporters.map((e) => e.forceFlush()));
    },
    shutdown: async () => {
      await Promise.all(exporters.map((e) => e.shutdown()));
    },
  };
}

/**
 * Export a fixed set of metrics: a counter, an explicit-bucket histogram, an
 * exponential histogram, an up-down counter and an observable gauge.
 */
export async function exportSampleMetrics(opts: ExportOptions): Promise<void> {
  const exporters = opts.protocols.map((p) => {
    const config = {
      url: `${opts.baseUrl}/v1/metrics`,
      compression: (opts.gzip ? 'gzip' : 'none') as never,
      headers: opts.headers,
    };
    return p === 'json' ? new OTLPMetricExporterJson(config) : new OTLPMetricExporterProto(config);
  });
  const reader = new PeriodicExportingMetricReader({ exporter: fanOut(exporters), exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(RESOURCE),
    readers: [reader],
    views: [
      {
        instrumentName: 'resilience.saga.duration',
        aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM },
      },
    ],
  });
  const meter = provider.getMeter('faultline-test', '1.0.0');
  const duration = meter.createHistogram('resilience.call.duration', { unit: 's' });
  duration.record(0.012, { 'peer.service': 'payment', 'resilience.outcome': 'success' });
  duration.record(30, { 'peer.service': 'payment', 'resilience.outcome': 'timeout' });
  duration.record(0.2, { 'peer.service': 'payment', 'resilience.outcome': 'success' });
  const sagas = meter.createHistogram('resilience.saga.duration', { unit: 's' });
  for (const v of [0.5, 1, 2, 4, 8]) sagas.record(v, { 'resilience.saga.name': 'checkout' });
  meter
    .createCounter('resilience.bulkhead.rejections', { unit: '{call}', valueType: ValueType.INT })
    .add(7, { 'resilience.bulkhead.name': 'payment-pool', 'peer.service': 'payment' });
  meter
    .createUpDownCounter('resilience.dependency.inflight', { valueType: ValueType.INT })
    .add(-3, { 'peer.service': 'email' });
  meter.createObservableGauge('resilience.circuit_breaker.state').addCallback((r) =>
    r.observe(1, {
      'resilience.circuit_breaker.name': 'payment',
      'peer.service': 'payment',
      'resilience.circuit_breaker.state': 'open',
    }),
  );
  await provider.forceFlush();
  await provider.shutdown();
}
