/**
 * OTLP/JSON → TraceBatch / MetricBatch.
 *
 * Walks the `JSON.parse` result with hand-written checks (no schema library on
 * the hot path). Field names are lowerCamelCase per the OTLP spec; the proto
 * snake_case names are tolerated as protobuf's JSON mapping allows. Ids are
 * hex (any case), 64-bit integers are strings or numbers, enums are integers
 * (their proto names are tolerated).
 *
 * A body that is not OTLP at all throws DecodeError; an invalid span or data
 * point is rejected on its own with a message naming the offending field, e.g.
 * `resourceSpans[0].scopeSpans[1].spans[3].traceId: expected 32 hex characters`.
 */
import {
  DecodeContext,
  type DecodeLimits,
  nanosToMs,
  resolveDecodeLimits,
  resourceInfo,
  setAttribute,
} from './decodeContext';
import { DecodeError } from './decodeError';
import { fastHexId, normalizeHexId } from './ids';
import { fastMetricsJson } from './metricsJsonFastPath';
import { SPAN_KIND_NAMES, STATUS_CODE_NAMES, TEMPORALITIES, TEMPORALITY_NAMES } from './otlpEnums';
import type {
  Attributes,
  AttributeValue,
  IngestSpan,
  MetricBatch,
  MetricPoint,
  ResourceInfo,
  SpanEvent,
  SpanKindValue,
  StatusCode,
  Temporality,
  TraceBatch,
} from './telemetry';
import { fastTracesJson } from './tracesJsonFastPath';

type Obj = Record<string, unknown>;

/** An invalid item: `path` is relative to the item, built up as the error unwinds. */
class ItemError extends Error {
  constructor(
    public path: string,
    readonly reason: string,
  ) {
    super(reason);
  }
  /** Prefix the path with the field that contains it. */
  within(prefix: string): ItemError {
    this.path = this.path === '' ? prefix : this.path.startsWith('[') ? prefix + this.path : `${prefix}.${this.path}`;
    return this;
  }
}

function at(prefix: string, err: unknown): string {
  if (!(err instanceof ItemError)) throw err;
  const path = err.path === '' ? prefix : err.path.startsWith('[') ? prefix + err.path : `${prefix}.${err.path}`;
  return `${path}: ${err.reason}`;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `o[camel]`, else `o[snake]` (proto field name). */
function get(o: Obj, camel: string, snake: string): unknown {
  const v = o[camel];
  return v === undefined ? o[snake] : v;
}

/**
 * `v` (read by the caller as `o.camelName`, a named property load that stays
 * monomorphic on the hot path), else `o[snake]`: the same as `get`.
 */
function orSnake(v: unknown, o: Obj, snake: string): unknown {
  return v === undefined ? o[snake] : v;
}

/** Text of a request body, without a UTF-8 byte-order mark. */
function bodyText(body: string | Uint8Array): string {
  const text =
    typeof body === 'string'
      ? body
      : Buffer.isBuffer(body)
        ? body.toString('utf8')
        : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** `JSON.parse` of a body; DecodeError when it is not JSON. */
export function parseJsonBody(body: string | Uint8Array): unknown {
  try {
    return JSON.parse(bodyText(body));
  } catch (err) {
    throw new DecodeError(`invalid JSON: ${(err as Error).message}`);
  }
}

/** The top-level list (`resourceSpans` / `resourceMetrics`); DecodeError when the body is not that shape. */
function topList(root: unknown, camel: string, snake: string): unknown[] {
  if (!isObj(root)) {
    throw new DecodeError(
      `expected a JSON object with ${camel}, got ${root === null ? 'null' : Array.isArray(root) ? 'an array' : typeof root}`,
    );
  }
  const list = get(root, camel, snake);
  if (list === undefined || list === null) {
    const keys = Object.keys(root);
    if (keys.length === 0) return [];
    throw new DecodeError(`expected ${camel} in the request, got keys: ${keys.slice(0, 5).join(', ')}`);
  }
  if (!Array.isArray(list)) throw new DecodeError(`${camel}: expected array`);
  return list;
}

/** An optional array field; [] when absent. */
function optArray(o: Obj, camel: string, snake: string): unknown[] {
  return optArrayV(get(o, camel, snake), camel);
}

function optArrayV(v: unknown, camel: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ItemError(camel, 'expected array');
  return v;
}

function optString(o: Obj, camel: string, snake: string, ctx: DecodeContext): string {
  return optStringV(get(o, camel, snake), camel, ctx);
}

function optStringV(v: unknown, camel: string, ctx: DecodeContext): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new ItemError(camel, 'expected string');
  return ctx.str(v);
}

/** An integer given as a JSON number or a decimal string (64-bit per proto JSON). */
function integer(v: unknown, field: string, unsigned: boolean): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && v !== '' && v.charCodeAt(0) !== 32) n = Number(v);
  else throw new ItemError(field, `expected ${unsigned ? 'unsigned ' : ''}integer (number or decimal string)`);
  if (!Number.isInteger(n) || (unsigned && n < 0)) {
    throw new ItemError(field, `expected ${unsigned ? 'unsigned ' : ''}integer, got ${JSON.stringify(v)}`);
  }
  return n;
}

function optInteger(o: Obj, camel: string, snake: string, unsigned: boolean): number {
  return optIntegerV(get(o, camel, snake), camel, unsigned);
}

function optIntegerV(v: unknown, camel: string, unsigned: boolean): number {
  return v === undefined || v === null ? 0 : integer(v, camel, unsigned);
}

/** A double as a JSON number or a string ("NaN", "Infinity", "-Infinity", or decimal). */
function double(v: unknown, field: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return Number.NaN;
    if (v === 'Infinity') return Number.POSITIVE_INFINITY;
    if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  throw new ItemError(field, 'expected number');
}

function optDouble(o: Obj, camel: string, snake: string): number | null {
  const v = get(o, camel, snake);
  return v === undefined || v === null ? null : double(v, camel);
}

/**
 * The last two timestamp strings converted, and their values in ms: the
 * points of one export mostly share their start and end times, and `Number`
 * of a 19-digit string costs ≈ 60 ns where comparing it with a known one
 * costs ≈ 8. Two slots, as start and end alternate.
 */
const nanosText: (string | null)[] = [null, null];
const nanosMs = [0, 0];
let nanosNext = 0;

/** Nanosecond timestamp field → ms (0 when absent, as proto3 defaults). */
function timeMsV(v: unknown, camel: string): number {
  if (typeof v !== 'string') return nanosToMs(optIntegerV(v, camel, true));
  if (v === nanosText[0]) return nanosMs[0] as number;
  if (v === nanosText[1]) return nanosMs[1] as number;
  const ms = nanosToMs(integer(v, camel, true));
  nanosText[nanosNext] = v;
  nanosMs[nanosNext] = ms;
  nanosNext ^= 1;
  return ms;
}

/** A proto enum: an integer in [0, max], or one of its proto names. */
function enumValue(o: Obj, camel: string, snake: string, names: Readonly<Record<string, number>>, max: number): number {
  return enumValueV(get(o, camel, snake), camel, names, max);
}

function enumValueV(v: unknown, camel: string, names: Readonly<Record<string, number>>, max: number): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'string') {
    const n = names[v];
    if (n !== undefined) return n;
  }
  const n = integer(v, camel, true);
  if (n > max) throw new ItemError(camel, `expected an integer from 0 to ${max}, got ${n}`);
  return n;
}

function idValue(v: unknown, camel: string, hexLength: number): string {
  if (typeof v !== 'string') throw new ItemError(camel, `expected ${hexLength} hex characters`);
  const id = fastHexId(v, hexLength);
  if (id !== null) return id;
  const r = normalizeHexId(v, hexLength);
  if ('error' in r) throw new ItemError(camel, r.error);
  return r.id;
}

// ---------------------------------------------------------------- AnyValue --

const SNAKE_VALUE_KEYS: Record<string, string> = {
  string_value: 'stringValue',
  int_value: 'intValue',
  double_value: 'doubleValue',
  bool_value: 'boolValue',
  array_value: 'arrayValue',
  kvlist_value: 'kvlistValue',
  bytes_value: 'bytesValue',
};

/** OTLP AnyValue → AttributeValue; `depth` of this value (an attribute's value is 1). */
function anyValue(v: unknown, ctx: DecodeContext, depth: number): AttributeValue {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) throw new ItemError('', 'expected an AnyValue object');
  let x = v.stringValue;
  if (x !== undefined) {
    if (typeof x !== 'string') throw new ItemError('stringValue', 'expected string');
    return ctx.str(x);
  }
  x = v.intValue;
  if (x !== undefined) return integer(x, 'intValue', false);
  x = v.doubleValue;
  if (x !== undefined) return double(x, 'doubleValue');
  x = v.boolValue;
  if (x !== undefined) {
    if (typeof x !== 'boolean') throw new ItemError('boolValue', 'expected boolean');
    return x;
  }
  x = v.arrayValue;
  if (x !== undefined) return arrayValue(x, ctx, depth);
  x = v.kvlistValue;
  if (x !== undefined) return kvlistValue(x, ctx, depth);
  x = v.bytesValue;
  if (x !== undefined) {
    if (typeof x !== 'string') throw new ItemError('bytesValue', 'expected base64 string');
    return ctx.str(x);
  }
  for (const key in v) {
    const camel = SNAKE_VALUE_KEYS[key];
    if (camel !== undefined) return anyValue({ [camel]: v[key] }, ctx, depth);
  }
  return null;
}

/** Elements of an array / kvlist value, or null when nesting is too deep. */
function valueElements(x: unknown, field: string, ctx: DecodeContext, depth: number): unknown[] | null {
  if (!isObj(x)) throw new ItemError(field, 'expected object with values');
  const values = x.values;
  if (values === undefined || values === null) return [];
  if (!Array.isArray(values)) throw new ItemError(`${field}.values`, 'expected array');
  if (depth >= ctx.limits.maxValueDepth) {
    ctx.truncatedValues++;
    return null;
  }
  if (values.length > ctx.limits.maxValueElements) {
    ctx.truncatedValues++;
    return values.slice(0, ctx.limits.maxValueElements);
  }
  return values;
}

function arrayValue(x: unknown, ctx: DecodeContext, depth: number): AttributeValue {
  const values = valueElements(x, 'arrayValue', ctx, depth);
  if (values === null) return null;
  const out: AttributeValue[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    try {
      out[i] = anyValue(values[i], ctx, depth + 1);
    } catch (err) {
      throw err instanceof ItemError ? err.within(`arrayValue.values[${i}]`) : err;
    }
  }
  return out;
}

function kvlistValue(x: unknown, ctx: DecodeContext, depth: number): AttributeValue {
  const values = valueElements(x, 'kvlistValue', ctx, depth);
  if (values === null) return null;
  const out: { [key: string]: AttributeValue } = {};
  for (let i = 0; i < values.length; i++) {
    const kv = values[i];
    if (!isObj(kv) || typeof kv.key !== 'string') {
      throw new ItemError(`kvlistValue.values[${i}]`, 'expected {"key": string, "value": AnyValue}');
    }
    try {
      setAttribute(out, ctx.str(kv.key), anyValue(kv.value, ctx, depth + 1));
    } catch (err) {
      throw err instanceof ItemError ? err.within(`kvlistValue.values[${i}].value`) : err;
    }
  }
  return out;
}

/** A KeyValue list → Attributes, keeping at most `maxAttributes` (the rest are dropped and counted). */
function attributes(o: Obj, ctx: DecodeContext): Attributes {
  const out: Attributes = {};
  const list = o.attributes;
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) throw new ItemError('attributes', 'expected array');
  const max = ctx.limits.maxAttributes;
  let n = list.length;
  if (n > max) {
    ctx.droppedAttributes += n - max;
    n = max;
  }
  for (let i = 0; i < n; i++) {
    const kv = list[i];
    if (!isObj(kv) || typeof kv.key !== 'string') {
      throw new ItemError(`attributes[${i}]`, 'expected {"key": string, "value": AnyValue}');
    }
    let value: AttributeValue;
    try {
      value = anyValue(kv.value, ctx, 1);
    } catch (err) {
      throw err instanceof ItemError ? err.within(`attributes[${i}].value`) : err;
    }
    setAttribute(out, ctx.str(kv.key), value);
  }
  return out;
}

function resource(v: unknown, ctx: DecodeContext): ResourceInfo {
  if (v === undefined || v === null) return resourceInfo({});
  if (!isObj(v)) throw new ItemError('', 'expected object');
  return resourceInfo(attributes(v, ctx));
}

function scopeName(v: unknown, ctx: DecodeContext): string {
  if (v === undefined || v === null) return '';
  if (!isObj(v)) throw new ItemError('', 'expected object');
  return optString(v, 'name', 'name', ctx);
}

// ------------------------------------------------------------------ traces --

function span(s: unknown, res: ResourceInfo, scope: string, ctx: DecodeContext): IngestSpan {
  if (!isObj(s)) throw new ItemError('', 'expected object');
  const traceId = idValue(orSnake(s.traceId, s, 'trace_id'), 'traceId', 32);
  const spanId = idValue(orSnake(s.spanId, s, 'span_id'), 'spanId', 16);
  const parent = orSnake(s.parentSpanId, s, 'parent_span_id');
  const parentSpanId =
    parent === undefined || parent === null || parent === '' ? null : idValue(parent, 'parentSpanId', 16);
  let statusCode = 0;
  let statusMessage = '';
  const status = s.status;
  if (status !== undefined && status !== null) {
    if (!isObj(status)) throw new ItemError('status', 'expected object');
    try {
      statusCode = enumValueV(status.code, 'code', STATUS_CODE_NAMES, 2);
      statusMessage = optStringV(status.message, 'message', ctx);
    } catch (err) {
      throw err instanceof ItemError ? err.within('status') : err;
    }
  }
  return {
    resource: res,
    scope,
    traceId,
    spanId,
    parentSpanId,
    name: optStringV(s.name, 'name', ctx),
    kind: enumValueV(s.kind, 'kind', SPAN_KIND_NAMES, 5) as SpanKindValue,
    startTimeMs: startTimeMs(s),
    endTimeMs: timeMsV(orSnake(s.endTimeUnixNano, s, 'end_time_unix_nano'), 'endTimeUnixNano'),
    statusCode: statusCode as StatusCode,
    statusMessage,
    attributes: attributes(s, ctx),
    events: events(s, ctx),
  };
}

function events(s: Obj, ctx: DecodeContext): SpanEvent[] {
  const list = optArrayV(s.events, 'events');
  let n = list.length;
  if (n > ctx.limits.maxEventsPerSpan) {
    ctx.droppedEvents += n - ctx.limits.maxEventsPerSpan;
    n = ctx.limits.maxEventsPerSpan;
  }
  const out: SpanEvent[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const e = list[i];
    try {
      if (!isObj(e)) throw new ItemError('', 'expected object');
      out[i] = {
        name: optStringV(e.name, 'name', ctx),
        timeMs: timeMs(e),
        attributes: attributes(e, ctx),
      };
    } catch (err) {
      throw err instanceof ItemError ? err.within(`events[${i}]`) : err;
    }
  }
  return out;
}

/** Number of items in a list field, for rejecting a whole container. */
function countNested(o: unknown, path: readonly [camel: string, snake: string][]): number {
  if (path.length === 0) return 1;
  if (!isObj(o)) return 0;
  const [head, ...rest] = path;
  const list = get(o, head![0], head![1]);
  if (!Array.isArray(list)) return 0;
  let n = 0;
  for (const item of list) n += countNested(item, rest);
  return n;
}

/** Decode an OTLP/JSON ExportTraceServiceRequest body. Throws DecodeError when it is not one. */
export function decodeTracesJson(body: string | Uint8Array, options?: Partial<DecodeLimits>): TraceBatch {
  if (typeof body !== 'string' && tracesFastPath.worthTrying()) {
    const fast = tracesFastPath.answered(fastTracesJson(asBuffer(body), resolveDecodeLimits(options)));
    if (fast !== undefined) return fast;
  }
  return tracesFromJsonValue(parseJsonBody(body), options);
}

/** Field names of one Export…ServiceRequest level: [camelCase, snake_case]. */
type Field = [camel: string, snake: string];

/** The three levels of a request and how to count what a rejected level held. */
interface RequestShape<T> {
  group: Field;
  scopes: Field;
  items: Field;
  /** Items (spans, data points) under an object along a path of fields, for rejection counts. */
  count: (o: unknown, path: Field[]) => number;
  /** Decode one scope's items into `out`, rejecting bad ones individually. */
  decodeItems: (items: unknown[], res: ResourceInfo, scope: string, ctx: DecodeContext, out: T[], at: string) => void;
}

/**
 * The walk both requests share: resource groups → scopes → items. A bad
 * resource or scope rejects (and counts) everything under it; one bad item
 * rejects only itself.
 */
function walkRequest<T>(root: unknown, ctx: DecodeContext, shape: RequestShape<T>): T[] {
  const [groupName] = shape.group;
  const [scopesName] = shape.scopes;
  const list = topList(root, ...shape.group);
  const out: T[] = [];
  for (let ri = 0; ri < list.length; ri++) {
    const group = list[ri];
    if (!isObj(group)) {
      ctx.reject(0, `${groupName}[${ri}]: expected object`);
      continue;
    }
    let res: ResourceInfo;
    let scopes: unknown[];
    try {
      res = resource(group.resource, ctx);
    } catch (err) {
      ctx.reject(shape.count(group, [shape.scopes, shape.items]), at(`${groupName}[${ri}].resource`, err));
      continue;
    }
    try {
      scopes = optArray(group, ...shape.scopes);
    } catch (err) {
      ctx.reject(0, at(`${groupName}[${ri}]`, err));
      continue;
    }
    for (let si = 0; si < scopes.length; si++) {
      const sc = scopes[si];
      let scope: string;
      let items: unknown[];
      try {
        if (!isObj(sc)) throw new ItemError('', 'expected object');
        try {
          scope = scopeName(sc.scope, ctx);
        } catch (err) {
          throw err instanceof ItemError ? err.within('scope') : err;
        }
        items = optArray(sc, ...shape.items);
      } catch (err) {
        ctx.reject(shape.count(sc, [shape.items]), at(`${groupName}[${ri}].${scopesName}[${si}]`, err));
        continue;
      }
      shape.decodeItems(items, res, scope, ctx, out, `${groupName}[${ri}].${scopesName}[${si}].${shape.items[0]}`);
    }
  }
  return out;
}

const TRACES: RequestShape<IngestSpan> = {
  group: ['resourceSpans', 'resource_spans'],
  scopes: ['scopeSpans', 'scope_spans'],
  items: ['spans', 'spans'],
  count: countNested,
  decodeItems(items, res, scope, ctx, out, where) {
    for (let pi = 0; pi < items.length; pi++) {
      if (!ctx.admit()) continue;
      try {
        out.push(span(items[pi], res, scope, ctx));
        ctx.items++;
      } catch (err) {
        ctx.reject(1, at(`${where}[${pi}]`, err));
      }
    }
  },
};

/** The same from an already parsed value (lets a benchmark time `JSON.parse` apart from the walk). */
export function tracesFromJsonValue(root: unknown, options?: Partial<DecodeLimits>): TraceBatch {
  const ctx = new DecodeContext(options);
  const spans = walkRequest(root, ctx, TRACES);
  return { spans, rejected: ctx.rejected, rejectionMessage: ctx.message('spans'), limited: ctx.stats() };
}

// ----------------------------------------------------------------- metrics --

/** DataPointFlags.NO_RECORDED_VALUE: a staleness marker without a value; skipped. */
const FLAG_NO_RECORDED_VALUE = 1;

interface MetricHead {
  resource: ResourceInfo;
  scope: string;
  name: string;
  unit: string;
}

function noRecordedValue(p: Obj): boolean {
  const flags = p.flags;
  return typeof flags === 'number' && (flags & FLAG_NO_RECORDED_VALUE) !== 0;
}

function uintList(o: Obj, camel: string, snake: string): number[] {
  const list = optArray(o, camel, snake);
  const out: number[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    // Numbers need no field name: build it only for what `integer` may reject.
    out[i] = typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : integer(v, `${camel}[${i}]`, true);
  }
  return out;
}

function doubleList(o: Obj, camel: string, snake: string): number[] {
  const list = optArray(o, camel, snake);
  const out: number[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    out[i] = typeof v === 'number' ? v : double(v, `${camel}[${i}]`);
  }
  return out;
}

/** `startTimeUnixNano` of a span or data point, in ms. */
function startTimeMs(o: Obj): number {
  return timeMsV(orSnake(o.startTimeUnixNano, o, 'start_time_unix_nano'), 'startTimeUnixNano');
}

/** `timeUnixNano` of a data point or span event, in ms. */
function timeMs(o: Obj): number {
  return timeMsV(orSnake(o.timeUnixNano, o, 'time_unix_nano'), 'timeUnixNano');
}

function numberPoint(
  p: Obj,
  head: MetricHead,
  type: 'gauge' | 'sum',
  temporality: Temporality,
  monotonic: boolean,
  ctx: DecodeContext,
): MetricPoint {
  let value: number;
  const d = orSnake(p.asDouble, p, 'as_double');
  if (d !== undefined && d !== null) value = double(d, 'asDouble');
  else {
    const i = orSnake(p.asInt, p, 'as_int');
    if (i === undefined || i === null) throw new ItemError('', 'expected asDouble or asInt');
    value = integer(i, 'asInt', false);
  }
  return {
    resource: head.resource,
    scope: head.scope,
    name: head.name,
    unit: head.unit,
    attributes: attributes(p, ctx),
    startTimeMs: startTimeMs(p),
    timeMs: timeMs(p),
    type,
    temporality,
    monotonic,
    value,
  };
}

function histogramPoint(p: Obj, head: MetricHead, temporality: Temporality, ctx: DecodeContext): MetricPoint {
  const bounds = doubleList(p, 'explicitBounds', 'explicit_bounds');
  const bucketCounts = uintList(p, 'bucketCounts', 'bucket_counts');
  if (bucketCounts.length !== 0 && bucketCounts.length !== bounds.length + 1) {
    throw new ItemError(
      'bucketCounts',
      `expected ${bounds.length + 1} entries (explicitBounds has ${bounds.length}), got ${bucketCounts.length}`,
    );
  }
  return {
    resource: head.resource,
    scope: head.scope,
    name: head.name,
    unit: head.unit,
    attributes: attributes(p, ctx),
    startTimeMs: startTimeMs(p),
    timeMs: timeMs(p),
    type: 'histogram',
    temporality,
    count: optInteger(p, 'count', 'count', true),
    sum: optDouble(p, 'sum', 'sum'),
    min: optDouble(p, 'min', 'min'),
    max: optDouble(p, 'max', 'max'),
    bounds,
    bucketCounts,
  };
}

function expBuckets(p: Obj, camel: string): { offset: number; bucketCounts: number[] } {
  const b = p[camel];
  if (b === undefined || b === null) return { offset: 0, bucketCounts: [] };
  if (!isObj(b)) throw new ItemError(camel, 'expected object');
  try {
    return {
      offset: optInteger(b, 'offset', 'offset', false),
      bucketCounts: uintList(b, 'bucketCounts', 'bucket_counts'),
    };
  } catch (err) {
    throw err instanceof ItemError ? err.within(camel) : err;
  }
}

function exponentialPoint(p: Obj, head: MetricHead, temporality: Temporality, ctx: DecodeContext): MetricPoint {
  return {
    resource: head.resource,
    scope: head.scope,
    name: head.name,
    unit: head.unit,
    attributes: attributes(p, ctx),
    startTimeMs: startTimeMs(p),
    timeMs: timeMs(p),
    type: 'exponential_histogram',
    temporality,
    count: optInteger(p, 'count', 'count', true),
    sum: optDouble(p, 'sum', 'sum'),
    min: optDouble(p, 'min', 'min'),
    max: optDouble(p, 'max', 'max'),
    scale: optInteger(p, 'scale', 'scale', false),
    zeroCount: optInteger(p, 'zeroCount', 'zero_count', true),
    positive: expBuckets(p, 'positive'),
    negative: expBuckets(p, 'negative'),
  };
}

function summaryPoint(p: Obj, head: MetricHead, ctx: DecodeContext): MetricPoint {
  const list = optArray(p, 'quantileValues', 'quantile_values');
  const quantiles: { quantile: number; value: number }[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const q = list[i];
    if (!isObj(q)) throw new ItemError(`quantileValues[${i}]`, 'expected object');
    quantiles[i] = {
      quantile: optDouble(q, 'quantile', 'quantile') ?? 0,
      value: optDouble(q, 'value', 'value') ?? 0,
    };
  }
  return {
    resource: head.resource,
    scope: head.scope,
    name: head.name,
    unit: head.unit,
    attributes: attributes(p, ctx),
    startTimeMs: startTimeMs(p),
    timeMs: timeMs(p),
    type: 'summary',
    count: optInteger(p, 'count', 'count', true),
    sum: optDouble(p, 'sum', 'sum') ?? 0,
    quantiles,
  };
}

type MetricKind = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';
const METRIC_DATA_FIELDS: [camel: string, snake: string, kind: MetricKind][] = [
  ['gauge', 'gauge', 'gauge'],
  ['sum', 'sum', 'sum'],
  ['histogram', 'histogram', 'histogram'],
  ['exponentialHistogram', 'exponential_histogram', 'exponential_histogram'],
  ['summary', 'summary', 'summary'],
];

/** Decode one Metric's data points into `out`; invalid points are rejected one by one. */
function metric(
  m: unknown,
  res: ResourceInfo,
  scope: string,
  ctx: DecodeContext,
  out: MetricPoint[],
  path: string,
): void {
  if (!isObj(m)) {
    ctx.reject(0, `${path}: expected object`);
    return;
  }
  let head: MetricHead;
  let data: Obj | undefined;
  let kind: MetricKind = 'gauge';
  let dataField = '';
  let points: unknown[];
  let temporality: Temporality = 'unspecified';
  let monotonic = false;
  try {
    head = { resource: res, scope, name: optString(m, 'name', 'name', ctx), unit: optString(m, 'unit', 'unit', ctx) };
    for (const [camel, snake, k] of METRIC_DATA_FIELDS) {
      const d = get(m, camel, snake);
      if (d === undefined || d === null) continue;
      if (!isObj(d)) throw new ItemError(camel, 'expected object');
      data = d;
      kind = k;
      dataField = camel;
      break;
    }
    if (data === undefined) {
      ctx.reject(
        0,
        `${path}: metric ${JSON.stringify(head.name)} has no gauge, sum, histogram, exponentialHistogram or summary`,
      );
      return;
    }
    try {
      points = optArray(data, 'dataPoints', 'data_points');
      if (kind !== 'gauge' && kind !== 'summary') {
        temporality =
          TEMPORALITIES[enumValue(data, 'aggregationTemporality', 'aggregation_temporality', TEMPORALITY_NAMES, 2)]!;
      }
      if (kind === 'sum') {
        const mono = get(data, 'isMonotonic', 'is_monotonic');
        if (mono !== undefined && mono !== null && typeof mono !== 'boolean') {
          throw new ItemError('isMonotonic', 'expected boolean');
        }
        monotonic = mono === true;
      }
    } catch (err) {
      throw err instanceof ItemError ? err.within(dataField) : err;
    }
    if (head.name === '') throw new ItemError('name', 'expected a non-empty metric name');
  } catch (err) {
    ctx.reject(dataField === '' ? 0 : countNested(m[dataField], [['dataPoints', 'data_points']]), at(path, err));
    return;
  }
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    try {
      if (!isObj(p)) throw new ItemError('', 'expected object');
      if (noRecordedValue(p)) continue;
      if (!ctx.admit()) continue;
      switch (kind) {
        case 'gauge':
        case 'sum':
          out.push(numberPoint(p, head, kind, temporality, monotonic, ctx));
          break;
        case 'histogram':
          out.push(histogramPoint(p, head, temporality, ctx));
          break;
        case 'exponential_histogram':
          out.push(exponentialPoint(p, head, temporality, ctx));
          break;
        case 'summary':
          out.push(summaryPoint(p, head, ctx));
          break;
      }
      ctx.items++;
    } catch (err) {
      ctx.reject(1, at(`${path}.${dataField}.dataPoints[${i}]`, err));
    }
  }
}

function countMetricPoints(o: unknown, path: readonly (readonly [string, string])[]): number {
  let n = 0;
  const walk = (v: unknown, depth: number) => {
    if (depth === path.length) {
      if (!isObj(v)) return;
      for (const [camel, snake] of METRIC_DATA_FIELDS) {
        const d = get(v, camel, snake);
        if (d !== undefined) n += countNested(d, [['dataPoints', 'data_points']]);
      }
      return;
    }
    if (!isObj(v)) return;
    const [camel, snake] = path[depth]!;
    const list = get(v, camel, snake);
    if (Array.isArray(list)) for (const item of list) walk(item, depth + 1);
  };
  walk(o, 0);
  return n;
}

/** Decode an OTLP/JSON ExportMetricsServiceRequest body. Throws DecodeError when it is not one. */
export function decodeMetricsJson(body: string | Uint8Array, options?: Partial<DecodeLimits>): MetricBatch {
  if (typeof body !== 'string' && metricsFastPath.worthTrying()) {
    const fast = metricsFastPath.answered(fastMetricsJson(asBuffer(body), resolveDecodeLimits(options)));
    if (fast !== undefined) return fast;
  }
  return metricsFromJsonValue(parseJsonBody(body), options);
}

function asBuffer(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/**
 * A sender whose bodies a fast path never takes (snake_case names,
 * summaries…) would pay for a scan that gives up on every request: after 16
 * give-ups in a row it is tried on one body in 16 only, until it answers again.
 */
class FastPathGuard {
  private static readonly GIVE_UPS_BEFORE_BACKING_OFF = 16;
  private giveUpsInARow = 0;
  private skipped = 0;

  worthTrying(): boolean {
    if (this.giveUpsInARow < FastPathGuard.GIVE_UPS_BEFORE_BACKING_OFF) return true;
    this.skipped = (this.skipped + 1) % FastPathGuard.GIVE_UPS_BEFORE_BACKING_OFF;
    return this.skipped === 0;
  }

  answered<T>(result: T | undefined): T | undefined {
    this.giveUpsInARow = result === undefined ? this.giveUpsInARow + 1 : 0;
    return result;
  }
}

const metricsFastPath = new FastPathGuard();
const tracesFastPath = new FastPathGuard();

const METRICS: RequestShape<MetricPoint> = {
  group: ['resourceMetrics', 'resource_metrics'],
  scopes: ['scopeMetrics', 'scope_metrics'],
  items: ['metrics', 'metrics'],
  count: countMetricPoints,
  decodeItems(items, res, scope, ctx, out, where) {
    for (let mi = 0; mi < items.length; mi++) metric(items[mi], res, scope, ctx, out, `${where}[${mi}]`);
  },
};

/** The same from an already parsed value. */
export function metricsFromJsonValue(root: unknown, options?: Partial<DecodeLimits>): MetricBatch {
  const ctx = new DecodeContext(options);
  const points = walkRequest(root, ctx, METRICS);
  return { points, rejected: ctx.rejected, rejectionMessage: ctx.message('data points'), limited: ctx.stats() };
}
