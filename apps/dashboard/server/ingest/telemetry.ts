/**
 * The decoded, validated form of OTLP data that leaves the ingest boundary.
 * Both decoders (JSON and protobuf) produce exactly this; the live model
 * consumes only this. Times are unix epoch milliseconds (fractional allowed),
 * ids are lower-case hex, 64-bit integers are JS numbers.
 */

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

/** Flat key → value map (OTLP KeyValue list, keys unique, last one wins). */
export type Attributes = Record<string, AttributeValue>;

/** OTLP SpanKind numbering. */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;
export type SpanKindValue = (typeof SpanKind)[keyof typeof SpanKind];

/** OTLP StatusCode numbering: 0 unset, 1 ok, 2 error. */
export type StatusCode = 0 | 1 | 2;

export interface ResourceInfo {
  /** `service.name` resource attribute, `unknown_service` when absent (OTel default). */
  service: string;
  /** `service.instance.id`, null when absent. */
  instance: string | null;
  attributes: Attributes;
}

export interface SpanEvent {
  name: string;
  timeMs: number;
  attributes: Attributes;
}

export interface IngestSpan {
  resource: ResourceInfo;
  /** Instrumentation scope name, '' when absent. */
  scope: string;
  traceId: string;
  spanId: string;
  /** null for a root span. */
  parentSpanId: string | null;
  name: string;
  kind: SpanKindValue;
  startTimeMs: number;
  endTimeMs: number;
  statusCode: StatusCode;
  statusMessage: string;
  attributes: Attributes;
  events: SpanEvent[];
}

export type Temporality = 'delta' | 'cumulative' | 'unspecified';

interface PointBase {
  resource: ResourceInfo;
  scope: string;
  /** Metric name, e.g. `resilience.call.duration`. */
  name: string;
  unit: string;
  attributes: Attributes;
  /** Start of the aggregation interval (0 when not given). */
  startTimeMs: number;
  timeMs: number;
}

export interface NumberPoint extends PointBase {
  type: 'gauge' | 'sum';
  /** Only for sums. */
  temporality: Temporality;
  monotonic: boolean;
  value: number;
}

export interface HistogramPoint extends PointBase {
  type: 'histogram';
  temporality: Temporality;
  count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  /** Explicit upper bounds; bucketCounts has bounds.length + 1 entries. */
  bounds: number[];
  bucketCounts: number[];
}

export interface ExponentialHistogramPoint extends PointBase {
  type: 'exponential_histogram';
  temporality: Temporality;
  count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  scale: number;
  zeroCount: number;
  positive: { offset: number; bucketCounts: number[] };
  negative: { offset: number; bucketCounts: number[] };
}

export interface SummaryPoint extends PointBase {
  type: 'summary';
  count: number;
  sum: number;
  quantiles: { quantile: number; value: number }[];
}

export type MetricPoint = NumberPoint | HistogramPoint | ExponentialHistogramPoint | SummaryPoint;

/**
 * What the ingest limits changed in accepted items (the items themselves were
 * kept). Reported back to the sender as a partial-success warning.
 */
export interface LimitStats {
  /** Attributes beyond the per-item limit, dropped. */
  droppedAttributes: number;
  /** String values and keys cut to the maximum length. */
  truncatedStrings: number;
  /** Array / kvlist values nested too deep or too long, replaced by null or cut. */
  truncatedValues: number;
  /** Span events beyond the per-span limit, dropped. */
  droppedEvents: number;
}

/** What a decoder returns for one request. */
export interface TraceBatch {
  spans: IngestSpan[];
  /** Spans dropped by validation (e.g. missing ids), reported as partial success. */
  rejected: number;
  /** Human-readable reason for the rejected ones, '' when none. */
  rejectionMessage: string;
  /** Set by the decoders when a limit changed an accepted item. */
  limited?: LimitStats;
}

export interface MetricBatch {
  points: MetricPoint[];
  rejected: number;
  rejectionMessage: string;
  /** Set by the decoders when a limit changed an accepted item. */
  limited?: LimitStats;
}
