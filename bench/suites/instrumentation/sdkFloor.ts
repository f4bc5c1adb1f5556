/**
 * What the OpenTelemetry SDK itself charges per call, whoever calls it: the
 * floor under any "metrics on" row. A guarded call with telemetry records at
 * least one histogram point and starts and ends one span (unsampled: the SDK
 * still creates ids and a non-recording span). Measured through the global
 * API, on the providers `telemetry.ts` registered.
 */
import { type Attributes, context, metrics, SpanKind, trace } from '@opentelemetry/api';
import { inflightCounter } from '../../../packages/instrumentation/src/telemetry/registry.js';
import type { Contestant } from '../../lib/interleave.js';
import { syncLoop } from '../../lib/loops.js';
import { type BenchTelemetry, UNSAMPLED_PARENT } from './telemetry.js';

export function sdkFloorContestants(telemetry: BenchTelemetry): Contestant[] {
  const meter = metrics.getMeter('bench-sdk-floor');
  const histogram = meter.createHistogram('bench.floor.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] },
  });
  const counter = meter.createCounter('bench.floor.count');
  const attributes: Attributes = Object.freeze({ 'peer.service': 'payment-service', 'resilience.outcome': 'success' });
  const tracer = trace.getTracer('bench-sdk-floor');
  const spanOptions = { kind: SpanKind.CLIENT, attributes: { 'peer.service': 'payment-service' } };
  const unsampled = () => telemetry.sampleSpans(false);
  // The per-call work of the `resilience.dependency.inflight` gauge (issue 9): the call
  // boundary bumps one shared counter up and down; the gauge itself is read at collection.
  const inflight = inflightCounter('bench-inflight-dependency');
  let sink = 0;
  const touch = () => sink++;
  return [
    { name: 'empty loop body (baseline for the in-flight row)', loop: syncLoop('floor empty', () => sink++) },
    {
      name: 'resilience.dependency.inflight: ++ and -- per call',
      loop: syncLoop('floor inflight', () => {
        inflight.value++;
        sink += inflight.value;
        inflight.value--;
      }),
    },
    {
      name: 'histogram.record (2 attributes)',
      loop: syncLoop('floor histogram', () => histogram.record(0.002, attributes)),
    },
    { name: 'counter.add (2 attributes)', loop: syncLoop('floor counter', () => counter.add(1, attributes)) },
    { name: 'performance.now()', loop: syncLoop('floor now', () => performance.now()) },
    {
      name: 'context.with(parent, fn), registered context manager',
      loop: syncLoop('floor context.with', () => context.with(UNSAMPLED_PARENT, touch)),
    },
    {
      name: 'startSpan + end, AlwaysOff',
      loop: syncLoop('floor span off', () => tracer.startSpan('payment-service execute', spanOptions).end()),
      beforeSample: unsampled,
    },
    {
      name: 'startSpan + end, AlwaysOn → in-memory exporter',
      loop: syncLoop('floor span on', () => tracer.startSpan('payment-service execute', spanOptions).end()),
      beforeSample: () => {
        telemetry.sampleSpans(true);
        telemetry.spans.reset();
      },
    },
  ];
}
