/**
 * Request bodies exactly as the OpenTelemetry SDK's OTLP/HTTP exporters send
 * them: spans and metrics are produced by a real TracerProvider / MeterProvider
 * (not registered globally) with the attributes and instruments of our
 * telemetry contract, then handed to the real exporters (JSON and protobuf),
 * which POST them to a local capture server. Built once, replayed by the
 * benchmark.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ATTR, DURATION_BUCKETS_S, EVENT, METRIC, OUTCOME, type Outcome, UNIT } from '@faultline/instrumentation';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPMetricExporter as MetricExporterJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricExporterProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as TraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

export type Encoding = 'json' | 'protobuf';
export type SignalKind = 'traces' | 'metrics';

export interface Payload {
  readonly body: Buffer;
  /** Spans (traces) or data points (metrics) in the body. */
  readonly items: number;
}

export interface PayloadSet {
  readonly signal: SignalKind;
  readonly encoding: Encoding;
  readonly contentType: string;
  readonly payloads: readonly Payload[];
  /** Mean items per body: converts a time per request into a time per span / point. */
  readonly itemsPerPayload: number;
  readonly bytesPerPayload: number;
}

/** The services of the reference incident, each calling a few dependencies. */
const SERVICES: Record<string, readonly string[]> = {
  'user-service': ['order-service', 'profile-service', 'email-service'],
  'order-service': ['payment-service', 'inventory-service', 'email-service'],
  'payment-service': ['payment-db', 'email-service', 'fraud-service'],
  'inventory-service': ['inventory-db', 'warehouse-service'],
  'profile-service': ['profile-db', 'avatar-service'],
  'email-service': ['smtp-relay', 'template-service'],
};
const OPERATIONS = ['get', 'create', 'update', 'list'];
/** Spans per request body: the BatchSpanProcessor's default `maxExportBatchSize`. */
export const SPANS_PER_PAYLOAD = 512;
/** Breakers and bulkheads per service in a metric batch (one of each per dependency and operation, capped). */
export const GUARDS_PER_SERVICE = 8;
/** Successive metric collections per service: cumulative counters grow from one body to the next. */
const COLLECTIONS_PER_SERVICE = 4;
const BREAKER_STATES = ['closed', 'open', 'half_open', 'forced_open', 'disabled'] as const;

/** A small deterministic generator, so every run replays the same bodies. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

function pickOutcome(r: number): Outcome {
  if (r < 0.9) return OUTCOME.SUCCESS;
  if (r < 0.95) return OUTCOME.FAILURE;
  if (r < 0.97) return OUTCOME.TIMEOUT;
  if (r < 0.99) return OUTCOME.SHORT_CIRCUITED;
  return OUTCOME.BULKHEAD_REJECTED;
}

function resourceOf(service: string) {
  return resourceFromAttributes({
    [ATTR.SERVICE_NAME]: service,
    [ATTR.SERVICE_INSTANCE_ID]: `${service}-bench-1`,
  });
}

/** Guarded CLIENT calls of one service, as `@faultline/instrumentation` records them. */
async function makeSpans(service: string, count: number, random: () => number): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceOf(service),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('@faultline/instrumentation', '0.1.0');
  const dependencies = SERVICES[service]!;
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const dependency = dependencies[i % dependencies.length]!;
    const operation = OPERATIONS[i % OPERATIONS.length]!;
    const outcome = pickOutcome(random());
    const start = now - 5000 + i * 5;
    const durationMs = outcome === OUTCOME.TIMEOUT ? 1000 : 1 + random() * 40;
    const span = tracer.startSpan(`${dependency} ${operation}`, {
      kind: SpanKind.CLIENT,
      startTime: start,
      attributes: {
        [ATTR.PEER_SERVICE]: dependency,
        [ATTR.OUTCOME]: outcome,
        [ATTR.BREAKER_NAME]: `${dependency}-breaker`,
        [ATTR.BREAKER_STATE]: outcome === OUTCOME.SHORT_CIRCUITED ? 'open' : 'closed',
        [ATTR.BULKHEAD_NAME]: `${dependency}-pool`,
        [ATTR.BULKHEAD_QUEUE_WAIT]: random() * 0.002,
      },
    });
    if (outcome === OUTCOME.FAILURE || outcome === OUTCOME.TIMEOUT) {
      span.recordException(new Error(outcome === OUTCOME.TIMEOUT ? 'timed out after 1000 ms' : 'ECONNRESET'));
      span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      if (i % 50 === 0) {
        span.addEvent(EVENT.BREAKER_STATE_CHANGE, { [ATTR.TRANSITION_FROM]: 'closed', [ATTR.TRANSITION_TO]: 'open' });
      }
    } else if (outcome !== OUTCOME.SUCCESS) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
    }
    span.end(start + durationMs);
  }
  await provider.forceFlush();
  const spans = memory.getFinishedSpans() as ReadableSpan[];
  if (spans.length !== count) throw new Error(`expected ${count} spans, the provider finished ${spans.length}`);
  return spans;
}

class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/**
 * Our instruments for one service with {@link GUARDS_PER_SERVICE} breakers and
 * bulkheads: the call-duration histogram per dependency and outcome, breaker
 * state gauges (one series per state), rates, transitions, bulkhead gauges,
 * rejections, queue waits and in-flight calls. Successive collections of a
 * cumulative reader, as a PeriodicExportingMetricReader would export them.
 */
async function makeMetricBatches(service: string, random: () => number): Promise<ResourceMetrics[]> {
  const reader = new ManualReader();
  const provider = new MeterProvider({ resource: resourceOf(service), readers: [reader] });
  const meter = provider.getMeter('@faultline/instrumentation', '0.1.0');
  const dependencies = SERVICES[service]!;
  const guards = Array.from({ length: GUARDS_PER_SERVICE }, (_, i) => {
    const dependency = dependencies[i % dependencies.length]!;
    const operation = OPERATIONS[Math.floor(i / dependencies.length) % OPERATIONS.length]!;
    return { dependency, breaker: `${dependency}-${operation}-breaker`, bulkhead: `${dependency}-${operation}-pool` };
  });
  const duration = meter.createHistogram(METRIC.CALL_DURATION, {
    unit: UNIT.SECONDS,
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_S] },
  });
  const queueWait = meter.createHistogram(METRIC.BULKHEAD_QUEUE_WAIT, {
    unit: UNIT.SECONDS,
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_S] },
  });
  const transitions = meter.createCounter(METRIC.BREAKER_TRANSITIONS, { unit: UNIT.TRANSITIONS });
  const rejections = meter.createCounter(METRIC.BULKHEAD_REJECTIONS, { unit: UNIT.CALLS });
  const state = meter.createObservableGauge(METRIC.BREAKER_STATE);
  const failureRate = meter.createObservableGauge(METRIC.BREAKER_FAILURE_RATE, { unit: UNIT.RATIO });
  const slowRate = meter.createObservableGauge(METRIC.BREAKER_SLOW_CALL_RATE, { unit: UNIT.RATIO });
  const active = meter.createObservableGauge(METRIC.BULKHEAD_ACTIVE, { unit: UNIT.CALLS });
  const queued = meter.createObservableGauge(METRIC.BULKHEAD_QUEUED, { unit: UNIT.CALLS });
  const limit = meter.createObservableGauge(METRIC.BULKHEAD_LIMIT, { unit: UNIT.CALLS });
  const queueLimit = meter.createObservableGauge(METRIC.BULKHEAD_QUEUE_LIMIT, { unit: UNIT.CALLS });
  const inflight = meter.createObservableGauge(METRIC.DEPENDENCY_INFLIGHT, { unit: UNIT.CALLS });
  meter.addBatchObservableCallback(
    (result) => {
      for (const g of guards) {
        const breaker = { [ATTR.BREAKER_NAME]: g.breaker, [ATTR.PEER_SERVICE]: g.dependency };
        const bulkhead = { [ATTR.BULKHEAD_NAME]: g.bulkhead, [ATTR.PEER_SERVICE]: g.dependency };
        for (const s of BREAKER_STATES)
          result.observe(state, s === 'closed' ? 1 : 0, { ...breaker, [ATTR.BREAKER_STATE]: s });
        result.observe(failureRate, random() * 0.1, breaker);
        result.observe(slowRate, 0, breaker);
        result.observe(active, Math.floor(random() * 20), bulkhead);
        result.observe(queued, Math.floor(random() * 5), bulkhead);
        result.observe(limit, 20, bulkhead);
        result.observe(queueLimit, 50, bulkhead);
      }
      for (const dependency of dependencies)
        result.observe(inflight, Math.floor(random() * 30), { [ATTR.PEER_SERVICE]: dependency });
    },
    [state, failureRate, slowRate, active, queued, limit, queueLimit, inflight],
  );
  const batches: ResourceMetrics[] = [];
  for (let c = 0; c < COLLECTIONS_PER_SERVICE; c++) {
    for (const g of guards) {
      for (let k = 0; k < 200; k++) {
        const outcome = pickOutcome(random());
        duration.record(0.001 + random() * 0.05, { [ATTR.PEER_SERVICE]: g.dependency, [ATTR.OUTCOME]: outcome });
      }
      queueWait.record(random() * 0.002, { [ATTR.BULKHEAD_NAME]: g.bulkhead, [ATTR.PEER_SERVICE]: g.dependency });
      rejections.add(1, { [ATTR.BULKHEAD_NAME]: g.bulkhead, [ATTR.PEER_SERVICE]: g.dependency });
      transitions.add(1, {
        [ATTR.BREAKER_NAME]: g.breaker,
        [ATTR.PEER_SERVICE]: g.dependency,
        [ATTR.TRANSITION_FROM]: 'closed',
        [ATTR.TRANSITION_TO]: 'closed',
      });
    }
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw errors[0];
    batches.push(resourceMetrics);
  }
  await provider.shutdown();
  return batches;
}

function countPoints(batch: ResourceMetrics): number {
  let points = 0;
  for (const scope of batch.scopeMetrics) for (const metric of scope.metrics) points += metric.dataPoints.length;
  return points;
}

interface Exporter<T> {
  export(items: T, done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

/** POST `items` through a real exporter to a local server and return the body it sent. */
async function capture<T>(makeExporter: (url: string) => Exporter<T>, items: T): Promise<Buffer> {
  let body: Buffer | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      body = Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const exporter = makeExporter(`http://127.0.0.1:${port}`);
  const result = await new Promise<ExportResult>((resolve) => exporter.export(items, resolve));
  await exporter.shutdown();
  server.closeAllConnections();
  server.close();
  if (result.code !== ExportResultCode.SUCCESS || body === undefined) {
    throw new Error(`capturing an export failed: ${result.error?.message ?? 'no body'}`);
  }
  return body;
}

/** A set of bodies of one signal and encoding, with its mean items and bytes per body. */
export function payloadSet(signal: SignalKind, encoding: Encoding, payloads: readonly Payload[]): PayloadSet {
  const items = payloads.reduce((sum, p) => sum + p.items, 0);
  const bytes = payloads.reduce((sum, p) => sum + p.body.length, 0);
  return {
    signal,
    encoding,
    contentType: encoding === 'json' ? 'application/json' : 'application/x-protobuf',
    payloads,
    itemsPerPayload: items / payloads.length,
    bytesPerPayload: bytes / payloads.length,
  };
}

export interface Payloads {
  readonly traces: Record<Encoding, PayloadSet>;
  readonly metrics: Record<Encoding, PayloadSet>;
  /**
   * The same metric exports batched as a Collector forwards them: one request
   * per collection round, holding every service's export of that round.
   */
  readonly metricsBatched: Record<Encoding, PayloadSet>;
}

/**
 * One request holding several export bodies. A protobuf
 * ExportMetricsServiceRequest is one repeated field, so bodies concatenate
 * (protobuf merges repeated fields); JSON bodies join their `resourceMetrics`.
 */
function mergeBodies(encoding: Encoding, parts: readonly Payload[]): Payload {
  const items = parts.reduce((sum, p) => sum + p.items, 0);
  if (encoding === 'protobuf') return { items, body: Buffer.concat(parts.map((p) => p.body)) };
  const resourceMetrics = parts.flatMap(
    (p) => (JSON.parse(p.body.toString('utf8')) as { resourceMetrics: unknown[] }).resourceMetrics,
  );
  return { items, body: Buffer.from(JSON.stringify({ resourceMetrics })) };
}

/** Two span bodies of {@link SPANS_PER_PAYLOAD} per service and a few metric bodies per service, in both encodings. */
export async function buildPayloads(): Promise<Payloads> {
  const random = generator(0x5eed);
  const traceBodies: Record<Encoding, Payload[]> = { json: [], protobuf: [] };
  const metricBodies: Record<Encoding, Payload[]> = { json: [], protobuf: [] };
  /** `[encoding][round]`: every service's export of that collection round. */
  const rounds: Record<Encoding, Payload[][]> = { json: [], protobuf: [] };
  for (const service of Object.keys(SERVICES)) {
    for (let b = 0; b < 2; b++) {
      const spans = await makeSpans(service, SPANS_PER_PAYLOAD, random);
      const items = spans.length;
      traceBodies.json.push({
        items,
        body: await capture((url) => new TraceExporterJson({ url: `${url}/v1/traces` }), spans),
      });
      traceBodies.protobuf.push({
        items,
        body: await capture((url) => new TraceExporterProto({ url: `${url}/v1/traces` }), spans),
      });
    }
    for (const [round, batch] of (await makeMetricBatches(service, random)).entries()) {
      const items = countPoints(batch);
      const bodies: Record<Encoding, Payload> = {
        json: { items, body: await capture((url) => new MetricExporterJson({ url: `${url}/v1/metrics` }), batch) },
        protobuf: { items, body: await capture((url) => new MetricExporterProto({ url: `${url}/v1/metrics` }), batch) },
      };
      for (const encoding of ['json', 'protobuf'] as const) {
        metricBodies[encoding].push(bodies[encoding]);
        const parts = rounds[encoding][round] ?? [];
        parts.push(bodies[encoding]);
        rounds[encoding][round] = parts;
      }
    }
  }
  return {
    traces: {
      json: payloadSet('traces', 'json', traceBodies.json),
      protobuf: payloadSet('traces', 'protobuf', traceBodies.protobuf),
    },
    metrics: {
      json: payloadSet('metrics', 'json', metricBodies.json),
      protobuf: payloadSet('metrics', 'protobuf', metricBodies.protobuf),
    },
    metricsBatched: {
      json: payloadSet(
        'metrics',
        'json',
        rounds.json.map((parts) => mergeBodies('json', parts)),
      ),
      protobuf: payloadSet(
        'metrics',
        'protobuf',
        rounds.protobuf.map((parts) => mergeBodies('protobuf', parts)),
      ),
    },
  };
}
