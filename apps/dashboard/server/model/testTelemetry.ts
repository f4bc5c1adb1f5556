/**
 * Test-only builders for decoded telemetry (MetricPoint, IngestSpan) and a
 * fake clock. Not imported by production code.
 */
import type {
  Attributes,
  HistogramPoint,
  IngestSpan,
  MetricBatch,
  MetricPoint,
  NumberPoint,
  SpanEvent,
  SpanKindValue,
  Temporality,
  TraceBatch,
} from '../ingest/telemetry';
import { ATTR, DURATION_BUCKETS_S, METRIC } from './contract';

/** A bucket-aligned epoch ms to start tests from. */
export const T0 = 1_700_000_000_000;

export function fakeClock(start = T0) {
  let now = start;
  return {
    clock: () => now,
    set(t: number) {
      now = t;
    },
    advance(ms: number) {
      now += ms;
    },
  };
}

export interface PointOptions {
  service: string;
  instance?: string | null;
  attributes?: Attributes;
  startTimeMs?: number;
  timeMs: number;
  temporality?: Temporality;
  unit?: string;
}

function resource(service: string, instance: string | null | undefined) {
  const inst = instance === undefined ? `${service}-1` : instance;
  return { service, instance: inst, attributes: { 'service.name': service } };
}

export function histogramPoint(
  name: string,
  o: PointOptions & { bounds?: number[]; bucketCounts: number[]; sum?: number | null },
): HistogramPoint {
  const count = o.bucketCounts.reduce((a, b) => a + b, 0);
  return {
    resource: resource(o.service, o.instance),
    scope: '@faultline/instrumentation',
    name,
    unit: o.unit ?? 's',
    attributes: o.attributes ?? {},
    startTimeMs: o.startTimeMs ?? T0,
    timeMs: o.timeMs,
    type: 'histogram',
    temporality: o.temporality ?? 'cumulative',
    count,
    sum: o.sum ?? null,
    min: null,
    max: null,
    bounds: o.bounds ?? [...DURATION_BUCKETS_S],
    bucketCounts: o.bucketCounts,
  };
}

/** Bucket counts over DURATION_BUCKETS_S for a list of latencies in ms. */
export function countsFor(latenciesMs: number[], boundsS: readonly number[] = DURATION_BUCKETS_S): number[] {
  const counts = new Array<number>(boundsS.length + 1).fill(0);
  for (const ms of latenciesMs) {
    let i = boundsS.findIndex((b) => ms <= b * 1000);
    if (i < 0) i = boundsS.length;
    counts[i] = (counts[i] as number) + 1;
  }
  return counts;
}

/** `resilience.call.duration` with the given (cumulative unless said otherwise) latencies. */
export function callDuration(
  o: PointOptions & { peer: string; outcome?: string; latenciesMs: number[] },
): HistogramPoint {
  return histogramPoint(METRIC.CALL_DURATION, {
    ...o,
    attributes: { [ATTR.PEER_SERVICE]: o.peer, [ATTR.OUTCOME]: o.outcome ?? 'success', ...o.attributes },
    bucketCounts: countsFor(o.latenciesMs),
    sum: o.latenciesMs.reduce((a, b) => a + b, 0) / 1000,
  });
}

export function sumPoint(name: string, o: PointOptions & { value: number; monotonic?: boolean }): NumberPoint {
  return {
    resource: resource(o.service, o.instance),
    scope: '',
    name,
    unit: o.unit ?? '',
    attributes: o.attributes ?? {},
    startTimeMs: o.startTimeMs ?? T0,
    timeMs: o.timeMs,
    type: 'sum',
    temporality: o.temporality ?? 'cumulative',
    monotonic: o.monotonic ?? true,
    value: o.value,
  };
}

export function gaugePoint(name: string, o: PointOptions & { value: number }): NumberPoint {
  return {
    resource: resource(o.service, o.instance),
    scope: '',
    name,
    unit: o.unit ?? '',
    attributes: o.attributes ?? {},
    startTimeMs: 0,
    timeMs: o.timeMs,
    type: 'gauge',
    temporality: 'unspecified',
    monotonic: false,
    value: o.value,
  };
}

export function metrics(...points: MetricPoint[]): MetricBatch {
  return { points, rejected: 0, rejectionMessage: '' };
}

let nextId = 1;
export function spanId(): string {
  return (nextId++).toString(16).padStart(16, '0');
}

export function span(o: {
  service: string;
  instance?: string | null;
  kind: SpanKindValue;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string | null;
  name?: string;
  startTimeMs: number;
  durationMs?: number;
  statusCode?: 0 | 1 | 2;
  attributes?: Attributes;
  events?: SpanEvent[];
}): IngestSpan {
  return {
    resource: resource(o.service, o.instance),
    scope: '',
    traceId: o.traceId ?? '0af7651916cd43dd8448eb211c80319c',
    spanId: o.spanId ?? spanId(),
    parentSpanId: o.parentSpanId ?? null,
    name: o.name ?? 'call',
    kind: o.kind,
    startTimeMs: o.startTimeMs,
    endTimeMs: o.startTimeMs + (o.durationMs ?? 10),
    statusCode: o.statusCode ?? 0,
    statusMessage: '',
    attributes: o.attributes ?? {},
    events: o.events ?? [],
  };
}

export function traces(...spans: IngestSpan[]): TraceBatch {
  return { spans, rejected: 0, rejectionMessage: '' };
}

/** The `payment-cb` breaker order → payment that the breaker tests drive. */
export const PAYMENT_BREAKER = { [ATTR.BREAKER_NAME]: 'payment-cb', [ATTR.PEER_SERVICE]: 'payment' };

/** One state-gauge export of order-service's payment breaker: 1 for `current`, 0 for the other states. */
export function breakerStateGauges(current: string, timeMs: number): NumberPoint[] {
  return ['closed', 'open', 'half_open'].map((s) =>
    gaugePoint(METRIC.BREAKER_STATE, {
      service: 'order',
      attributes: { ...PAYMENT_BREAKER, [ATTR.BREAKER_STATE]: s },
      value: s === current ? 1 : 0,
      timeMs,
    }),
  );
}
