/**
 * OTLP/protobuf → TraceBatch / MetricBatch, straight from the wire format.
 *
 * Field numbers follow opentelemetry-proto (common, resource, trace, metrics
 * .proto); each case label below is `field << 3 | wireType`. Unknown fields
 * are skipped. Malformed bytes (truncation, lengths past their message, bad
 * varints) throw DecodeError for the whole request; a well-formed span or
 * point with invalid content (e.g. a 5-byte trace id) is rejected on its own.
 * Messages may carry their fields in any order (protobuf allows it), so the
 * resource, scope, metric name and temporality are patched onto the items
 * after their enclosing message has been read.
 */
import { DecodeContext, type DecodeLimits, nanosToMs, resourceInfo, setAttribute } from './decodeContext';
import { DecodeError } from './decodeError';
import { allZero, bytesToHex } from './ids';
import { TEMPORALITIES } from './otlpEnums';
import { ProtoReader } from './protobufReader';
import type {
  Attributes,
  AttributeValue,
  ExponentialHistogramPoint,
  HistogramPoint,
  IngestSpan,
  MetricBatch,
  MetricPoint,
  NumberPoint,
  ResourceInfo,
  SpanEvent,
  SpanKindValue,
  StatusCode,
  SummaryPoint,
  Temporality,
  TraceBatch,
} from './telemetry';

const PLACEHOLDER_RESOURCE: ResourceInfo = resourceInfo({});

/** Where the reader is, for error messages. */
interface Where {
  r: number;
  s: number;
  i: number;
}

function located(err: unknown, where: Where, top: string, mid: string, item: string): never {
  if (err instanceof DecodeError && err.status === 400) {
    const at = where.i >= 0 ? `.${mid}[${where.s}].${item}[${where.i}]` : where.s >= 0 ? `.${mid}[${where.s}]` : '';
    throw new DecodeError(where.r >= 0 ? `${err.message} (in ${top}[${where.r}]${at})` : err.message);
  }
  if (err instanceof DecodeError) throw err;
  // Anything else is a bug in this decoder, but the caller must still only see DecodeError.
  throw new DecodeError(`invalid protobuf: ${(err as Error)?.message ?? String(err)}`);
}

// ---------------------------------------------------------------- AnyValue --

function anyValue(r: ProtoReader, end: number, ctx: DecodeContext, depth: number): AttributeValue {
  let v: AttributeValue = null;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 10: // string_value
        v = ctx.str(r.string(end, 'AnyValue.string_value'));
        break;
      case 16: // bool_value
        v = r.varint64(false) !== 0;
        break;
      case 24: // int_value
        v = r.varint64(true);
        break;
      case 33: // double_value
        v = r.double();
        break;
      case 42: {
        // array_value: ArrayValue { repeated AnyValue values = 1 }
        const e = r.lenEnd(end, 'ArrayValue');
        v = arrayValue(r, e, ctx, depth);
        break;
      }
      case 50: {
        // kvlist_value: KeyValueList { repeated KeyValue values = 1 }
        const e = r.lenEnd(end, 'KeyValueList');
        v = kvlistValue(r, e, ctx, depth);
        break;
      }
      case 58: // bytes_value, as base64 like OTLP/JSON
        v = ctx.str(r.base64(end, 'AnyValue.bytes_value'));
        break;
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end, 'AnyValue');
  return v;
}

function arrayValue(r: ProtoReader, end: number, ctx: DecodeContext, depth: number): AttributeValue {
  if (depth >= ctx.limits.maxValueDepth) {
    ctx.truncatedValues++;
    r.pos = end;
    return null;
  }
  const out: AttributeValue[] = [];
  let cut = false;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 10) {
      const e = r.lenEnd(end, 'ArrayValue.values');
      if (out.length < ctx.limits.maxValueElements) out.push(anyValue(r, e, ctx, depth + 1));
      else {
        cut = true;
        r.pos = e;
      }
    } else r.skip(tag, end);
  }
  r.expectEnd(end, 'ArrayValue');
  if (cut) ctx.truncatedValues++;
  return out;
}

function kvlistValue(r: ProtoReader, end: number, ctx: DecodeContext, depth: number): AttributeValue {
  if (depth >= ctx.limits.maxValueDepth) {
    ctx.truncatedValues++;
    r.pos = end;
    return null;
  }
  const out: { [key: string]: AttributeValue } = {};
  let n = 0;
  let cut = false;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 10) {
      const e = r.lenEnd(end, 'KeyValueList.values');
      if (n < ctx.limits.maxValueElements) {
        keyValue(r, e, ctx, out, depth + 1);
        n++;
      } else {
        cut = true;
        r.pos = e;
      }
    } else r.skip(tag, end);
  }
  r.expectEnd(end, 'KeyValueList');
  if (cut) ctx.truncatedValues++;
  return out;
}

/** KeyValue { string key = 1; AnyValue value = 2 } into `target`. */
function keyValue(r: ProtoReader, end: number, ctx: DecodeContext, target: Attributes, depth: number): void {
  let key = '';
  let value: AttributeValue = null;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 10) key = ctx.str(r.string(end, 'KeyValue.key'));
    else if (tag === 18) {
      const e = r.lenEnd(end, 'KeyValue.value');
      value = anyValue(r, e, ctx, depth);
    } else r.skip(tag, end);
  }
  r.expectEnd(end, 'KeyValue');
  setAttribute(target, key, value);
}

/**
 * One occurrence of a repeated `attributes` field: decoded into `target` when
 * `count` is under the limit, else skipped and counted. Returns the new count.
 */
function attribute(r: ProtoReader, end: number, ctx: DecodeContext, target: Attributes, count: number): number {
  const e = r.lenEnd(end, 'attributes');
  if (count < ctx.limits.maxAttributes) keyValue(r, e, ctx, target, 1);
  else {
    ctx.droppedAttributes++;
    r.pos = e;
  }
  return count + 1;
}

/** Resource { repeated KeyValue attributes = 1 }. */
function resource(r: ProtoReader, end: number, ctx: DecodeContext): ResourceInfo {
  const attrs: Attributes = {};
  let n = 0;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 10) n = attribute(r, end, ctx, attrs, n);
    else r.skip(tag, end);
  }
  r.expectEnd(end, 'Resource');
  return resourceInfo(attrs);
}

/** InstrumentationScope { string name = 1 } → name. */
function scopeName(r: ProtoReader, end: number, ctx: DecodeContext): string {
  let name = '';
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 10) name = ctx.str(r.string(end, 'InstrumentationScope.name'));
    else r.skip(tag, end);
  }
  r.expectEnd(end, 'InstrumentationScope');
  return name;
}

// ------------------------------------------------------------------ traces --

/** A span, or the reason it is rejected. */
function span(r: ProtoReader, end: number, ctx: DecodeContext): IngestSpan | string {
  const buf = r.buf;
  let problem = '';
  let traceId = '';
  let spanId = '';
  let parentSpanId: string | null = null;
  let name = '';
  let kind = 0;
  let startNanos = 0;
  let endNanos = 0;
  let statusCode = 0;
  let statusMessage = '';
  const attributes: Attributes = {};
  let nAttributes = 0;
  const events: SpanEvent[] = [];
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 10: {
        // trace_id (bytes)
        const e = r.lenEnd(end, 'Span.trace_id');
        if (e - r.pos !== 16) problem ||= `traceId: expected 16 bytes, got ${e - r.pos}`;
        else if (allZero(buf, r.pos, e)) problem ||= 'traceId: must not be all zeros';
        else traceId = bytesToHex(buf, r.pos, e);
        r.pos = e;
        break;
      }
      case 18: {
        // span_id (bytes)
        const e = r.lenEnd(end, 'Span.span_id');
        if (e - r.pos !== 8) problem ||= `spanId: expected 8 bytes, got ${e - r.pos}`;
        else if (allZero(buf, r.pos, e)) problem ||= 'spanId: must not be all zeros';
        else spanId = bytesToHex(buf, r.pos, e);
        r.pos = e;
        break;
      }
      case 34: {
        // parent_span_id (bytes, empty for a root span)
        const e = r.lenEnd(end, 'Span.parent_span_id');
        const len = e - r.pos;
        if (len === 0) parentSpanId = null;
        else if (len !== 8) problem ||= `parentSpanId: expected 8 bytes, got ${len}`;
        else parentSpanId = bytesToHex(buf, r.pos, e);
        r.pos = e;
        break;
      }
      case 42: // name
        name = ctx.str(r.string(end, 'Span.name'));
        break;
      case 48: // kind (enum)
        kind = r.uint32();
        if (kind > 5) problem ||= `kind: expected an integer from 0 to 5, got ${kind}`;
        break;
      case 57: // start_time_unix_nano (fixed64)
        startNanos = r.fixed64();
        break;
      case 65: // end_time_unix_nano (fixed64)
        endNanos = r.fixed64();
        break;
      case 74: // attributes
        nAttributes = attribute(r, end, ctx, attributes, nAttributes);
        break;
      case 90: {
        // events
        const e = r.lenEnd(end, 'Span.Event');
        if (events.length < ctx.limits.maxEventsPerSpan) events.push(event(r, e, ctx));
        else {
          ctx.droppedEvents++;
          r.pos = e;
        }
        break;
      }
      case 122: {
        // status: Status { string message = 2; StatusCode code = 3 }
        const e = r.lenEnd(end, 'Span.Status');
        while (r.pos < e) {
          const t = r.tag();
          if (t === 18) statusMessage = ctx.str(r.string(e, 'Status.message'));
          else if (t === 24) statusCode = r.uint32();
          else r.skip(t, e);
        }
        r.expectEnd(e, 'Status');
        if (statusCode > 2) problem ||= `status.code: expected an integer from 0 to 2, got ${statusCode}`;
        break;
      }
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end, 'Span');
  if (problem !== '') return problem;
  if (traceId === '') return 'traceId: missing';
  if (spanId === '') return 'spanId: missing';
  return {
    resource: PLACEHOLDER_RESOURCE,
    scope: '',
    traceId,
    spanId,
    parentSpanId,
    name,
    kind: kind as SpanKindValue,
    startTimeMs: nanosToMs(startNanos),
    endTimeMs: nanosToMs(endNanos),
    statusCode: statusCode as StatusCode,
    statusMessage,
    attributes,
    events,
  };
}

/** Span.Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3 }. */
function event(r: ProtoReader, end: number, ctx: DecodeContext): SpanEvent {
  let timeNanos = 0;
  let name = '';
  const attributes: Attributes = {};
  let n = 0;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 9) timeNanos = r.fixed64();
    else if (tag === 18) name = ctx.str(r.string(end, 'Span.Event.name'));
    else if (tag === 26) n = attribute(r, end, ctx, attributes, n);
    else r.skip(tag, end);
  }
  r.expectEnd(end, 'Span.Event');
  return { name, timeMs: nanosToMs(timeNanos), attributes };
}

/** The three levels of an Export…ServiceRequest, as named in messages and error paths. */
interface RequestShape {
  /** Message names, e.g. 'ResourceSpans', 'ScopeSpans'. */
  group: string;
  scope: string;
  /** JSON-style path names for error locations, e.g. 'resourceSpans', 'scopeSpans', 'spans'. */
  path: [string, string, string];
}

/**
 * The walk both requests share: `repeated Resource{Spans,Metrics} = 1`, each
 * `{ Resource resource = 1; repeated Scope… = 2 }`; `decodeScope` fills `out`
 * and the group's resource is set on what it added (the resource may come
 * after the scopes on the wire).
 */
function decodeRequest<T extends { resource: ResourceInfo }>(
  body: Uint8Array,
  options: Partial<DecodeLimits> | undefined,
  shape: RequestShape,
  decodeScope: (r: ProtoReader, end: number, ctx: DecodeContext, out: T[], where: Where) => void,
): { items: T[]; ctx: DecodeContext } {
  const ctx = new DecodeContext(options);
  const r = new ProtoReader(body);
  const items: T[] = [];
  const where: Where = { r: -1, s: -1, i: -1 };
  try {
    const end = r.length;
    while (r.pos < end) {
      const tag = r.tag();
      if (tag !== 10) {
        r.skip(tag, end);
        continue;
      }
      where.r++;
      where.s = -1;
      where.i = -1;
      const groupEnd = r.lenEnd(end, shape.group);
      let res = PLACEHOLDER_RESOURCE;
      const first = items.length;
      while (r.pos < groupEnd) {
        const t = r.tag();
        if (t === 10) res = resource(r, r.lenEnd(groupEnd, 'Resource'), ctx);
        else if (t === 18) {
          where.s++;
          where.i = -1;
          decodeScope(r, r.lenEnd(groupEnd, shape.scope), ctx, items, where);
        } else r.skip(t, groupEnd);
      }
      r.expectEnd(groupEnd, shape.group);
      for (let k = first; k < items.length; k++) items[k]!.resource = res;
    }
  } catch (err) {
    located(err, where, ...shape.path);
  }
  return { items, ctx };
}

const TRACES: RequestShape = {
  group: 'ResourceSpans',
  scope: 'ScopeSpans',
  path: ['resourceSpans', 'scopeSpans', 'spans'],
};
const METRICS: RequestShape = {
  group: 'ResourceMetrics',
  scope: 'ScopeMetrics',
  path: ['resourceMetrics', 'scopeMetrics', 'metrics'],
};

/** Decode an OTLP/protobuf ExportTraceServiceRequest. Throws DecodeError (only) on malformed bytes. */
export function decodeTracesProtobuf(body: Uint8Array, options?: Partial<DecodeLimits>): TraceBatch {
  const { items, ctx } = decodeRequest<IngestSpan>(body, options, TRACES, scopeSpans);
  return { spans: items, rejected: ctx.rejected, rejectionMessage: ctx.message('spans'), limited: ctx.stats() };
}

/** ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2 }. */
function scopeSpans(r: ProtoReader, end: number, ctx: DecodeContext, spans: IngestSpan[], where: Where): void {
  let scope = '';
  const first = spans.length;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 10) scope = scopeName(r, r.lenEnd(end, 'InstrumentationScope'), ctx);
    else if (tag === 18) {
      where.i++;
      const e = r.lenEnd(end, 'Span');
      if (!ctx.admit()) {
        r.pos = e;
        continue;
      }
      const s = span(r, e, ctx);
      if (typeof s === 'string') {
        ctx.reject(1, `resourceSpans[${where.r}].scopeSpans[${where.s}].spans[${where.i}].${s}`);
      } else {
        spans.push(s);
        ctx.items++;
      }
    } else r.skip(tag, end);
  }
  r.expectEnd(end, 'ScopeSpans');
  for (let k = first; k < spans.length; k++) spans[k]!.scope = scope;
}

// ----------------------------------------------------------------- metrics --

const FLAG_NO_RECORDED_VALUE = 1;

/** Shared by every point of one Metric until its name, unit and temporality are known. */
interface MetricState {
  ctx: DecodeContext;
  where: Where;
  points: MetricPoint[];
  /** Data-point field name for messages. */
  field: string;
}

/** Keep a decoded point unless it is over the request's item limit. */
function keep(state: MetricState, point: MetricPoint): void {
  if (!state.ctx.admit()) return;
  state.points.push(point);
  state.ctx.items++;
}

function reject(state: MetricState, reason: string): void {
  const w = state.where;
  state.ctx.reject(1, `resourceMetrics[${w.r}].scopeMetrics[${w.s}].metrics[${w.i}].${state.field}.${reason}`);
}

function numberPoint(r: ProtoReader, end: number, type: 'gauge' | 'sum', state: MetricState, index: number): void {
  const ctx = state.ctx;
  const attributes: Attributes = {};
  let n = 0;
  let startNanos = 0;
  let timeNanos = 0;
  let value = 0;
  let hasValue = false;
  let flags = 0;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 17:
        startNanos = r.fixed64();
        break;
      case 25:
        timeNanos = r.fixed64();
        break;
      case 33: // as_double
        value = r.double();
        hasValue = true;
        break;
      case 49: // as_int (sfixed64)
        value = r.sfixed64();
        hasValue = true;
        break;
      case 58:
        n = attribute(r, end, ctx, attributes, n);
        break;
      case 64:
        flags = r.uint32();
        break;
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end, 'NumberDataPoint');
  if ((flags & FLAG_NO_RECORDED_VALUE) !== 0) return;
  if (!hasValue) {
    reject(state, `dataPoints[${index}]: expected asDouble or asInt`);
    return;
  }
  const point: NumberPoint = {
    resource: PLACEHOLDER_RESOURCE,
    scope: '',
    name: '',
    unit: '',
    attributes,
    startTimeMs: nanosToMs(startNanos),
    timeMs: nanosToMs(timeNanos),
    type,
    temporality: 'unspecified',
    monotonic: false,
    value,
  };
  keep(state, point);
}

/** Packed (LEN) or unpacked occurrence of a repeated fixed64 / double field, appended to `out`. */
function repeated64(r: ProtoReader, tag: number, end: number, out: number[], isDouble: boolean, what: string): void {
  if ((tag & 7) === 2) {
    const e = r.lenEnd(end, what);
    if ((e - r.pos) % 8 !== 0) r.fail(`${what}: packed length ${e - r.pos} is not a multiple of 8`);
    while (r.pos < e) out.push(isDouble ? r.double() : r.fixed64());
  } else out.push(isDouble ? r.double() : r.fixed64());
}

function histogramPoint(r: ProtoReader, end: number, state: MetricState, index: number): void {
  const ctx = state.ctx;
  const attributes: Attributes = {};
  let n = 0;
  let startNanos = 0;
  let timeNanos = 0;
  let count = 0;
  let sum: number | null = null;
  let min: number | null = null;
  let max: number | null = null;
  const bounds: number[] = [];
  const bucketCounts: number[] = [];
  let flags = 0;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 17:
        startNanos = r.fixed64();
        break;
      case 25:
        timeNanos = r.fixed64();
        break;
      case 33:
        count = r.fixed64();
        break;
      case 41:
        sum = r.double();
        break;
      case 49:
      case 50:
        repeated64(r, tag, end, bucketCounts, false, 'HistogramDataPoint.bucket_counts');
        break;
      case 57:
      case 58:
        repeated64(r, tag, end, bounds, true, 'HistogramDataPoint.explicit_bounds');
        break;
      case 74:
        n = attribute(r, end, ctx, attributes, n);
        break;
      case 80:
        flags = r.uint32();
        break;
      case 89:
        min = r.double();
        break;
      case 97:
        max = r.double();
        break;
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end, 'HistogramDataPoint');
  if ((flags & FLAG_NO_RECORDED_VALUE) !== 0) return;
  if (bucketCounts.length !== 0 && bucketCounts.length !== bounds.length + 1) {
    reject(
      state,
      `dataPoints[${index}].bucketCounts: expected ${bounds.length + 1} entries (explicitBounds has ${bounds.length}), got ${bucketCounts.length}`,
    );
    return;
  }
  const point: HistogramPoint = {
    resource: PLACEHOLDER_RESOURCE,
    scope: '',
    name: '',
    unit: '',
    attributes,
    startTimeMs: nanosToMs(startNanos),
    timeMs: nanosToMs(timeNanos),
    type: 'histogram',
    temporality: 'unspecified',
    count,
    sum,
    min,
    max,
    bounds,
    bucketCounts,
  };
  keep(state, point);
}

/** ExponentialHistogramDataPoint.Buckets { sint32 offset = 1; repeated uint64 bucket_counts = 2 }. */
function expBuckets(r: ProtoReader, end: number): { offset: number; bucketCounts: number[] } {
  let offset = 0;
  const bucketCounts: number[] = [];
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 8) offset = r.sint32();
    else if (tag === 18) {
      const e = r.lenEnd(end, 'Buckets.bucket_counts');
      while (r.pos < e) bucketCounts.push(r.varint64(false));
      r.expectEnd(e, 'Buckets.bucket_counts');
    } else if (tag === 16) bucketCounts.push(r.varint64(false));
    else r.skip(tag, end);
  }
  r.expectEnd(end, 'Buckets');
  return { offset, bucketCounts };
}

function exponentialPoint(r: ProtoReader, end: number, state: MetricState): void {
  const ctx = state.ctx;
  const attributes: Attributes = {};
  let n = 0;
  let startNanos = 0;
  let timeNanos = 0;
  let count = 0;
  let sum: number | null = null;
  let min: number | null = null;
  let max: number | null = null;
  let scale = 0;
  let zeroCount = 0;
  let positive = { offset: 0, bucketCounts: [] as number[] };
  let negative = { offset: 0, bucketCounts: [] as number[] };
  let flags = 0;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 10:
        n = attribute(r, end, ctx, attributes, n);
        break;
      case 17:
        startNanos = r.fixed64();
        break;
      case 25:
        timeNanos = r.fixed64();
        break;
      case 33:
        count = r.fixed64();
        break;
      case 41:
        sum = r.double();
        break;
      case 48:
        scale = r.sint32();
        break;
      case 57:
        zeroCount = r.fixed64();
        break;
      case 66:
        positive = expBuckets(r, r.lenEnd(end, 'ExponentialHistogramDataPoint.positive'));
        break;
      case 74:
        negative = expBuckets(r, r.lenEnd(end, 'ExponentialHistogramDataPoint.negative'));
        break;
      case 80:
        flags = r.uint32();
        break;
      case 97:
        min = r.double();
        break;
      case 105:
        max = r.double();
        break;
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end, 'ExponentialHistogramDataPoint');
  if ((flags & FLAG_NO_RECORDED_VALUE) !== 0) return;
  const point: ExponentialHistogramPoint = {
    resource: PLACEHOLDER_RESOURCE,
    scope: '',
    name: '',
    unit: '',
    attributes,
    startTimeMs: nanosToMs(startNanos),
    timeMs: nanosToMs(timeNanos),
    type: 'exponential_histogram',
    temporality: 'unspecified',
    count,
    sum,
    min,
    max,
    scale,
    zeroCount,
    positive,
    negative,
  };
  keep(state, point);
}

function summaryPoint(r: ProtoReader, end: number, state: MetricState): void {
  const ctx = state.ctx;
  const attributes: Attributes = {};
  let n = 0;
  let startNanos = 0;
  let timeNanos = 0;
  let count = 0;
  let sum = 0;
  const quantiles: { quantile: number; value: number }[] = [];
  let flags = 0;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 17:
        startNanos = r.fixed64();
        break;
      case 25:
        timeNanos = r.fixed64();
        break;
      case 33:
        count = r.fixed64();
        break;
      case 41:
        sum = r.double();
        break;
      case 50: {
        // ValueAtQuantile { double quantile = 1; double value = 2 }
        const e = r.lenEnd(end, 'ValueAtQuantile');
        let quantile = 0;
        let value = 0;
        while (r.pos < e) {
          const t = r.tag();
          if (t === 9) quantile = r.double();
          else if (t === 17) value = r.double();
          else r.skip(t, e);
        }
        r.expectEnd(e, 'ValueAtQuantile');
        quantiles.push({ quantile, value });
        break;
      }
      case 58:
        n = attribute(r, end, ctx, attributes, n);
        break;
      case 64:
        flags = r.uint32();
        break;
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end, 'SummaryDataPoint');
  if ((flags & FLAG_NO_RECORDED_VALUE) !== 0) return;
  const point: SummaryPoint = {
    resource: PLACEHOLDER_RESOURCE,
    scope: '',
    name: '',
    unit: '',
    attributes,
    startTimeMs: nanosToMs(startNanos),
    timeMs: nanosToMs(timeNanos),
    type: 'summary',
    count,
    sum,
    quantiles,
  };
  keep(state, point);
}

type DataKind = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';

/**
 * Gauge / Sum / Histogram / ExponentialHistogram / Summary:
 * `repeated … data_points = 1`, `AggregationTemporality aggregation_temporality = 2`,
 * `bool is_monotonic = 3` (Sum only). Returns temporality and monotonicity.
 */
function metricData(r: ProtoReader, end: number, kind: DataKind, state: MetricState): [Temporality, boolean] {
  let temporality = 0;
  let monotonic = false;
  let index = 0;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 10) {
      const e = r.lenEnd(end, 'data_points');
      if (kind === 'gauge' || kind === 'sum') numberPoint(r, e, kind, state, index);
      else if (kind === 'histogram') histogramPoint(r, e, state, index);
      else if (kind === 'exponential_histogram') exponentialPoint(r, e, state);
      else summaryPoint(r, e, state);
      index++;
    } else if (tag === 16 && kind !== 'gauge' && kind !== 'summary') temporality = r.uint32();
    else if (tag === 24 && kind === 'sum') monotonic = r.varint64(false) !== 0;
    else r.skip(tag, end);
  }
  r.expectEnd(end, kind);
  return [TEMPORALITIES[temporality] ?? 'unspecified', monotonic];
}

const DATA_FIELDS: Record<number, [DataKind, string]> = {
  42: ['gauge', 'gauge'],
  58: ['sum', 'sum'],
  74: ['histogram', 'histogram'],
  82: ['exponential_histogram', 'exponentialHistogram'],
  90: ['summary', 'summary'],
};

/** Metric { name = 1; description = 2; unit = 3; gauge = 5; sum = 7; histogram = 9; exponential_histogram = 10; summary = 11 }. */
function metric(r: ProtoReader, end: number, ctx: DecodeContext, out: MetricPoint[], where: Where): void {
  let name = '';
  let unit = '';
  let temporality: Temporality = 'unspecified';
  let monotonic = false;
  const state: MetricState = { ctx, where, points: [], field: '' };
  while (r.pos < end) {
    const tag = r.tag();
    const data = DATA_FIELDS[tag];
    if (tag === 10) name = ctx.str(r.string(end, 'Metric.name'));
    else if (tag === 26) unit = ctx.str(r.string(end, 'Metric.unit'));
    else if (data !== undefined) {
      state.field = data[1];
      [temporality, monotonic] = metricData(r, r.lenEnd(end, data[1]), data[0], state);
    } else r.skip(tag, end);
  }
  r.expectEnd(end, 'Metric');
  const points = state.points;
  if (name === '' && points.length > 0) {
    ctx.items -= points.length;
    ctx.reject(
      points.length,
      `resourceMetrics[${where.r}].scopeMetrics[${where.s}].metrics[${where.i}].name: expected a non-empty metric name`,
    );
    return;
  }
  for (const p of points) {
    p.name = name;
    p.unit = unit;
    if (p.type !== 'summary') p.temporality = temporality;
    if (p.type === 'gauge' || p.type === 'sum') p.monotonic = monotonic;
    out.push(p);
  }
}

/** ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2 }. */
function scopeMetrics(r: ProtoReader, end: number, ctx: DecodeContext, out: MetricPoint[], where: Where): void {
  let scope = '';
  const first = out.length;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 10) scope = scopeName(r, r.lenEnd(end, 'InstrumentationScope'), ctx);
    else if (tag === 18) {
      where.i++;
      metric(r, r.lenEnd(end, 'Metric'), ctx, out, where);
    } else r.skip(tag, end);
  }
  r.expectEnd(end, 'ScopeMetrics');
  for (let k = first; k < out.length; k++) out[k]!.scope = scope;
}

/** Decode an OTLP/protobuf ExportMetricsServiceRequest. Throws DecodeError (only) on malformed bytes. */
export function decodeMetricsProtobuf(body: Uint8Array, options?: Partial<DecodeLimits>): MetricBatch {
  const { items, ctx } = decodeRequest<MetricPoint>(body, options, METRICS, scopeMetrics);
  return { points: items, rejected: ctx.rejected, rejectionMessage: ctx.message('data points'), limited: ctx.stats() };
}
