/**
 * OTLP/JSON metrics straight from the bytes, for the bodies exporters send.
 *
 * `JSON.parse` builds an object per data point, attribute, AnyValue and
 * bucket list, which the walk in `otlpJson.ts` then reads once and drops:
 * for the SDK's metric exports that tree costs most of a request. This
 * decoder reads the same bytes with a {@link JsonCursor} and builds only
 * the {@link MetricPoint}s.
 *
 * It covers what exporters produce — lowerCamelCase fields, gauges, sums
 * and explicit-bucket histograms, string/int/double/bool attribute values,
 * no limit reached, nothing to reject — and answers `undefined` for
 * anything else (snake_case names, exponential histograms, summaries,
 * array or kvlist values, duplicate fields, a value of the wrong type, a
 * limit that would apply, invalid JSON…). The caller then decodes the body
 * with the walk, which is the reference: for every body this decoder
 * accepts, its result equals the walk's (`metricsJsonFastPath.test.ts`
 * checks that on generated bodies).
 */
import { type DecodeLimits, nanosToMs, resourceInfo, setAttribute } from './decodeContext';
import { GIVE_UP, JsonCursor, KeySet } from './jsonCursor';
import type { Attributes, AttributeValue, MetricBatch, MetricPoint, ResourceInfo, Temporality } from './telemetry';

const REQUEST_KEYS = new KeySet(['resourceMetrics', 'resource_metrics']);
const RESOURCE_METRICS_KEYS = new KeySet(['resource', 'scopeMetrics', 'scope_metrics']);
const RESOURCE_KEYS = new KeySet(['attributes']);
const SCOPE_METRICS_KEYS = new KeySet(['scope', 'metrics']);
const SCOPE_KEYS = new KeySet(['name']);
const METRIC_KEYS = new KeySet([
  'name',
  'unit',
  'gauge',
  'sum',
  'histogram',
  'exponentialHistogram',
  'exponential_histogram',
  'summary',
]);
const DATA_KEYS = new KeySet([
  'dataPoints',
  'aggregationTemporality',
  'isMonotonic',
  'data_points',
  'aggregation_temporality',
  'is_monotonic',
]);
const POINT_KEYS = new KeySet([
  'attributes',
  'startTimeUnixNano',
  'timeUnixNano',
  'flags',
  'count',
  'sum',
  'min',
  'max',
  'bucketCounts',
  'explicitBounds',
  'asDouble',
  'asInt',
  'scale',
  'zeroCount',
  'positive',
  'negative',
  'start_time_unix_nano',
  'time_unix_nano',
  'bucket_counts',
  'explicit_bounds',
  'as_double',
  'as_int',
  'zero_count',
]);
const BUCKETS_KEYS = new KeySet(['offset', 'bucketCounts', 'bucket_counts']);
const KEY_VALUE_KEYS = new KeySet(['key', 'value']);
const ANY_VALUE_KEYS = new KeySet([
  'stringValue',
  'intValue',
  'doubleValue',
  'boolValue',
  'arrayValue',
  'kvlistValue',
  'bytesValue',
  'string_value',
  'int_value',
  'double_value',
  'bool_value',
  'array_value',
  'kvlist_value',
  'bytes_value',
]);

/** Index of the first snake_case name in each key set above (ids at or above it give up). */
const SNAKE_FROM = {
  request: 1,
  resourceMetrics: 2,
  data: 3,
  point: 16,
  anyValue: 4,
} as const;

const KV_OPEN = Buffer.from('{"key":"', 'latin1');
const KV_STRING_VALUE = Buffer.from(',"value":{"stringValue":"', 'latin1');
const KV_CLOSE = Buffer.from('}}', 'latin1');

const METRIC_KINDS: readonly Kind[] = ['gauge', 'sum', 'histogram', 'exponential_histogram'];

const TEMPORALITIES: readonly Temporality[] = ['unspecified', 'delta', 'cumulative'];
const TEMPORALITY_NAMES: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

type Kind = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram';

/**
 * The last two timestamps read and their values in ms, compared by bytes:
 * the points of an export share their start and end times, and converting
 * a 19-digit string costs more than comparing it.
 */
class TimestampCache {
  private readonly starts = [-1, -1];
  private readonly lengths = [0, 0];
  private readonly values = [0, 0];
  private next = 0;
  private body: Uint8Array | undefined;

  reset(body: Uint8Array): void {
    this.body = body;
    this.starts[0] = -1;
    this.starts[1] = -1;
  }

  /** A nanosecond timestamp (digit string, digits, or null) → ms. */
  read(cursor: JsonCursor): number {
    if (!cursor.atString()) {
      if (cursor.nullValue()) return 0;
      return nanosToMs(cursor.digits());
    }
    const b = cursor.b;
    const start = cursor.i + 1;
    for (let slot = 0; slot < 2; slot++) {
      const cached = this.starts[slot] as number;
      if (cached < 0) continue;
      const length = this.lengths[slot] as number;
      if (b[start + length] !== 0x22) continue;
      let k = 0;
      while (k < length && b[start + k] === (this.body as Uint8Array)[cached + k]) k++;
      if (k === length) {
        cursor.i = start + length + 1;
        return this.values[slot] as number;
      }
    }
    const ms = nanosToMs(cursor.digitString());
    const slot = this.next;
    this.starts[slot] = start;
    this.lengths[slot] = cursor.i - 1 - start;
    this.values[slot] = ms;
    this.next = slot ^ 1;
    return ms;
  }
}

interface Buckets {
  offset: number;
  bucketCounts: number[];
}

/** One request's decoding; fields instead of closures so the hot loops stay monomorphic. */
class MetricsReader {
  readonly points: MetricPoint[] = [];
  private readonly times = new TimestampCache();

  constructor(
    private readonly c: JsonCursor,
    private readonly limits: Readonly<DecodeLimits>,
  ) {
    this.times.reset(c.b);
  }

  request(): void {
    const c = this.c;
    let found = false;
    if (c.openObject()) throw GIVE_UP; // `{}`: the walk's answer (no points), but rare enough not to special-case
    let id = -1;
    do {
      id = REQUEST_KEYS.read(c, id);
      if (id === 0) {
        if (found) throw GIVE_UP;
        found = true;
        this.resourceMetricsList();
      } else if (id >= SNAKE_FROM.request) throw GIVE_UP;
      else c.skip();
    } while (c.moreMembers());
    c.finish();
    if (!found) throw GIVE_UP;
  }

  private resourceMetricsList(): void {
    const c = this.c;
    if (c.openArray()) return;
    do this.resourceMetrics();
    while (c.moreElements());
  }

  private resourceMetrics(): void {
    const c = this.c;
    let resource: ResourceInfo | undefined;
    let sawScopes = false;
    if (c.openObject()) return;
    let id = -1;
    do {
      id = RESOURCE_METRICS_KEYS.read(c, id);
      if (id === 0) {
        // After its scopes the resource would change points already made.
        if (resource !== undefined || sawScopes) throw GIVE_UP;
        resource = this.resource();
      } else if (id === 1) {
        if (sawScopes) throw GIVE_UP;
        sawScopes = true;
        resource ??= resourceInfo({});
        this.scopeMetricsList(resource);
      } else if (id >= SNAKE_FROM.resourceMetrics) throw GIVE_UP;
      else c.skip();
    } while (c.moreMembers());
  }

  private resource(): ResourceInfo {
    const c = this.c;
    if (c.nullValue() || c.openObject()) return resourceInfo({});
    let attributes: Attributes | undefined;
    let id = -1;
    do {
      id = RESOURCE_KEYS.read(c, id);
      if (id === 0) {
        if (attributes !== undefined) throw GIVE_UP;
        attributes = this.attributes();
      } else c.skip();
    } while (c.moreMembers());
    return resourceInfo(attributes ?? {});
  }

  private scopeMetricsList(resource: ResourceInfo): void {
    const c = this.c;
    if (c.nullValue() || c.openArray()) return;
    do this.scopeMetrics(resource);
    while (c.moreElements());
  }

  private scopeMetrics(resource: ResourceInfo): void {
    const c = this.c;
    let scope: string | undefined;
    let sawMetrics = false;
    if (c.openObject()) return;
    let id = -1;
    do {
      id = SCOPE_METRICS_KEYS.read(c, id);
      if (id === 0) {
        if (scope !== undefined || sawMetrics) throw GIVE_UP;
        scope = this.scope();
      } else if (id === 1) {
        if (sawMetrics) throw GIVE_UP;
        sawMetrics = true;
        scope ??= '';
        if (c.nullValue() || c.openArray()) continue;
        do this.metric(resource, scope);
        while (c.moreElements());
      } else c.skip();
    } while (c.moreMembers());
  }

  private scope(): string {
    const c = this.c;
    if (c.nullValue() || c.openObject()) return '';
    let name: string | undefined;
    let id = -1;
    do {
      id = SCOPE_KEYS.read(c, id);
      if (id === 0) {
        if (name !== undefined) throw GIVE_UP;
        name = this.optString();
      } else c.skip();
    } while (c.moreMembers());
    return name ?? '';
  }

  /** A string field that may be null (→ ''), within the length limit. */
  private optString(): string {
    const c = this.c;
    if (c.nullValue()) return '';
    const s = c.string();
    if (s.length > this.limits.maxStringLength) throw GIVE_UP;
    return s;
  }

  private metric(resource: ResourceInfo, scope: string): void {
    const c = this.c;
    if (c.openObject()) throw GIVE_UP; // rejected by the walk (no data)
    let name: string | undefined;
    let unit: string | undefined;
    let kind: Kind | undefined;
    const first = this.points.length;
    let id = -1;
    do {
      id = METRIC_KEYS.read(c, id);
      switch (id) {
        case 0:
          if (name !== undefined) throw GIVE_UP;
          name = this.optString();
          break;
        case 1:
          if (unit !== undefined) throw GIVE_UP;
          unit = this.optString();
          break;
        case 2:
        case 3:
        case 4:
        case 5:
          if (c.nullValue()) break;
          if (kind !== undefined) throw GIVE_UP;
          kind = METRIC_KINDS[id - 2] as Kind;
          this.data(kind, resource, scope, name ?? '', unit ?? '');
          break;
        case -1:
          c.skip();
          break;
        default:
          throw GIVE_UP; // snake_case, summaries: the walk's
      }
    } while (c.moreMembers());
    // No data, or no name: rejected by the walk, with its message.
    if (kind === undefined || name === undefined || name === '') throw GIVE_UP;
    // Name or unit after the data: the points were made without them.
    const points = this.points;
    for (let p = first; p < points.length; p++) {
      const point = points[p] as MetricPoint;
      point.name = name;
      point.unit = unit ?? '';
    }
  }

  private data(kind: Kind, resource: ResourceInfo, scope: string, name: string, unit: string): void {
    const c = this.c;
    if (c.openObject()) return;
    let temporality: Temporality | undefined;
    let monotonic: boolean | undefined;
    let sawPoints = false;
    const first = this.points.length;
    let id = -1;
    do {
      id = DATA_KEYS.read(c, id);
      if (id === 0) {
        if (sawPoints) throw GIVE_UP;
        sawPoints = true;
        if (c.nullValue() || c.openArray()) continue;
        const t = temporality ?? 'unspecified';
        const m = monotonic ?? false;
        do {
          if (kind === 'histogram') this.histogramPoint(resource, scope, name, unit, t);
          else if (kind === 'exponential_histogram') this.exponentialPoint(resource, scope, name, unit, t);
          else this.numberPoint(kind, resource, scope, name, unit, t, m);
        } while (c.moreElements());
      } else if (id === 1) {
        if (kind === 'gauge') {
          c.skip(); // not read for gauges
          continue;
        }
        if (temporality !== undefined) throw GIVE_UP;
        temporality = TEMPORALITIES[this.temporality()] as Temporality;
      } else if (id === 2) {
        if (kind !== 'sum') {
          c.skip();
          continue;
        }
        if (monotonic !== undefined) throw GIVE_UP;
        monotonic = c.nullValue() ? false : c.boolean();
      } else if (id >= SNAKE_FROM.data) throw GIVE_UP;
      else c.skip();
    } while (c.moreMembers());
    if (!sawPoints) return;
    // Temporality or monotonicity after the points: set them now.
    const points = this.points;
    for (let p = first; p < points.length; p++) {
      const point = points[p] as MetricPoint & { temporality: Temporality; monotonic?: boolean };
      point.temporality = temporality ?? 'unspecified';
      if (kind === 'sum') point.monotonic = monotonic ?? false;
    }
  }

  private temporality(): number {
    const c = this.c;
    if (c.nullValue()) return 0;
    if (c.atString()) {
      const n = TEMPORALITY_NAMES[c.string()];
      if (n === undefined) throw GIVE_UP;
      return n;
    }
    const n = c.digits();
    if (n > 2) throw GIVE_UP;
    return n;
  }

  /** Room for one more point, else give up: the walk rejects those over the limit. */
  private admit(): void {
    if (this.points.length >= this.limits.maxItems) throw GIVE_UP;
  }

  private histogramPoint(
    resource: ResourceInfo,
    scope: string,
    name: string,
    unit: string,
    temporality: Temporality,
  ): void {
    const c = this.c;
    if (c.openObject()) {
      this.admit();
      this.points.push(histogram(resource, scope, name, unit, {}, 0, 0, temporality, 0, null, null, null, [], []));
      return;
    }
    let seen = 0;
    let attributes: Attributes = {};
    let startTimeMs = 0;
    let timeMs = 0;
    let flags = 0;
    let count = 0;
    let sum: number | null = null;
    let min: number | null = null;
    let max: number | null = null;
    let bucketCounts: number[] = [];
    let bounds: number[] = [];
    let id = -1;
    do {
      id = POINT_KEYS.read(c, id);
      if (id >= 0) {
        if (id >= SNAKE_FROM.point) throw GIVE_UP;
        const bit = 1 << id;
        if ((seen & bit) !== 0) throw GIVE_UP;
        seen |= bit;
      }
      switch (id) {
        case 0:
          attributes = this.attributes();
          break;
        case 1:
          startTimeMs = this.times.read(c);
          break;
        case 2:
          timeMs = this.times.read(c);
          break;
        case 3:
          flags = this.flags();
          break;
        case 4:
          count = this.unsigned();
          break;
        case 5:
          sum = this.optDouble();
          break;
        case 6:
          min = this.optDouble();
          break;
        case 7:
          max = this.optDouble();
          break;
        case 8:
          bucketCounts = this.unsignedList();
          break;
        case 9:
          bounds = this.doubleList();
          break;
        default:
          c.skip(); // asDouble / asInt are not read for histograms, nor unknown fields
      }
    } while (c.moreMembers());
    if ((flags & 1) !== 0) return; // no recorded value: skipped, as the walk does
    if (bucketCounts.length !== 0 && bucketCounts.length !== bounds.length + 1) throw GIVE_UP;
    this.admit();
    this.points.push(
      histogram(
        resource,
        scope,
        name,
        unit,
        attributes,
        startTimeMs,
        timeMs,
        temporality,
        count,
        sum,
        min,
        max,
        bounds,
        bucketCounts,
      ),
    );
  }

  private exponentialPoint(
    resource: ResourceInfo,
    scope: string,
    name: string,
    unit: string,
    temporality: Temporality,
  ): void {
    const c = this.c;
    let seen = 0;
    let attributes: Attributes = {};
    let startTimeMs = 0;
    let timeMs = 0;
    let flags = 0;
    let count = 0;
    let sum: number | null = null;
    let min: number | null = null;
    let max: number | null = null;
    let scale = 0;
    let zeroCount = 0;
    let positive: Buckets = { offset: 0, bucketCounts: [] };
    let negative: Buckets = { offset: 0, bucketCounts: [] };
    if (!c.openObject()) {
      let id = -1;
      do {
        id = POINT_KEYS.read(c, id);
        if (id >= 0) {
          if (id >= SNAKE_FROM.point) throw GIVE_UP;
          const bit = 1 << id;
          if ((seen & bit) !== 0) throw GIVE_UP;
          seen |= bit;
        }
        switch (id) {
          case 0:
            attributes = this.attributes();
            break;
          case 1:
            startTimeMs = this.times.read(c);
            break;
          case 2:
            timeMs = this.times.read(c);
            break;
          case 3:
            flags = this.flags();
            break;
          case 4:
            count = this.unsigned();
            break;
          case 5:
            sum = this.optDouble();
            break;
          case 6:
            min = this.optDouble();
            break;
          case 7:
            max = this.optDouble();
            break;
          case 12:
            scale = c.nullValue() ? 0 : this.integer();
            break;
          case 13:
            zeroCount = this.unsigned();
            break;
          case 14:
            positive = this.buckets();
            break;
          case 15:
            negative = this.buckets();
            break;
          default:
            c.skip(); // zeroThreshold, exemplars, fields of other point types
        }
      } while (c.moreMembers());
    }
    if ((flags & 1) !== 0) return;
    this.admit();
    this.points.push({
      resource,
      scope,
      name,
      unit,
      attributes,
      startTimeMs,
      timeMs,
      type: 'exponential_histogram',
      temporality,
      count,
      sum,
      min,
      max,
      scale,
      zeroCount,
      positive,
      negative,
    });
  }

  /** `positive` / `negative` of an exponential histogram point. */
  private buckets(): Buckets {
    const c = this.c;
    let offset = 0;
    let bucketCounts: number[] = [];
    if (c.nullValue() || c.openObject()) return { offset, bucketCounts };
    let seen = 0;
    let id = -1;
    do {
      id = BUCKETS_KEYS.read(c, id);
      if (id === 2) throw GIVE_UP;
      if (id >= 0) {
        if ((seen & (1 << id)) !== 0) throw GIVE_UP;
        seen |= 1 << id;
      }
      if (id === 0) offset = c.nullValue() ? 0 : this.integer();
      else if (id === 1) bucketCounts = this.unsignedList();
      else c.skip();
    } while (c.moreMembers());
    return { offset, bucketCounts };
  }

  private numberPoint(
    type: 'gauge' | 'sum',
    resource: ResourceInfo,
    scope: string,
    name: string,
    unit: string,
    temporality: Temporality,
    monotonic: boolean,
  ): void {
    const c = this.c;
    if (c.openObject()) throw GIVE_UP; // no value: rejected by the walk
    let seen = 0;
    let attributes: Attributes = {};
    let startTimeMs = 0;
    let timeMs = 0;
    let flags = 0;
    let asDouble: number | null = null;
    let asInt: number | null = null;
    let id = -1;
    do {
      id = POINT_KEYS.read(c, id);
      if (id >= 0) {
        if (id >= SNAKE_FROM.point) throw GIVE_UP;
        const bit = 1 << id;
        if ((seen & bit) !== 0) throw GIVE_UP;
        seen |= bit;
      }
      switch (id) {
        case 0:
          attributes = this.attributes();
          break;
        case 1:
          startTimeMs = this.times.read(c);
          break;
        case 2:
          timeMs = this.times.read(c);
          break;
        case 3:
          flags = this.flags();
          break;
        case 10:
          asDouble = this.optDouble();
          break;
        case 11:
          asInt = c.nullValue() ? null : this.integer();
          break;
        default:
          c.skip();
      }
    } while (c.moreMembers());
    if ((flags & 1) !== 0) return;
    const value = asDouble ?? asInt;
    if (value === null) throw GIVE_UP;
    this.admit();
    this.points.push({
      resource,
      scope,
      name,
      unit,
      attributes,
      startTimeMs,
      timeMs,
      type,
      temporality,
      monotonic,
      value,
    });
  }

  /** `flags`: a number is read; anything else is ignored by the walk. */
  private flags(): number {
    const c = this.c;
    if (c.atNumber()) return c.digits();
    c.skip();
    return 0;
  }

  /** An unsigned integer as digits or a digit string; null → 0. */
  private unsigned(): number {
    const c = this.c;
    if (c.nullValue()) return 0;
    return c.atString() ? c.digitString() : c.digits();
  }

  /** A signed integer as a JSON number or a digit string. */
  private integer(): number {
    const c = this.c;
    if (c.atString()) return c.digitString();
    const n = c.number();
    if (!Number.isInteger(n)) throw GIVE_UP;
    return n;
  }

  /** A double given as a JSON number; null → null. Strings ("NaN", "1.5") are the walk's. */
  private optDouble(): number | null {
    const c = this.c;
    if (c.nullValue()) return null;
    return c.number();
  }

  private unsignedList(): number[] {
    const c = this.c;
    const out: number[] = [];
    if (c.nullValue() || c.openArray()) return out;
    do out.push(c.atString() ? c.digitString() : c.digits());
    while (c.moreElements());
    return out;
  }

  private doubleList(): number[] {
    const c = this.c;
    const out: number[] = [];
    if (c.nullValue() || c.openArray()) return out;
    do out.push(c.number());
    while (c.moreElements());
    return out;
  }

  /** A KeyValue list → Attributes (the walk's `attributes`, when no limit applies). */
  private attributes(): Attributes {
    const c = this.c;
    const out: Attributes = {};
    if (c.nullValue() || c.openArray()) return out;
    let n = 0;
    do {
      if (++n > this.limits.maxAttributes) throw GIVE_UP;
      this.keyValue(out);
    } while (c.moreElements());
    return out;
  }

  private keyValue(out: Attributes): void {
    const c = this.c;
    // The compact form exporters write for a string attribute, tried first:
    // {"key":"…","value":{"stringValue":"…"}}
    const start = c.i;
    if (c.take(KV_OPEN)) {
      c.i--; // back onto the key's opening quote
      const key = c.string();
      if (c.take(KV_STRING_VALUE)) {
        c.i--;
        const value = c.string();
        if (
          c.take(KV_CLOSE) &&
          key.length <= this.limits.maxStringLength &&
          value.length <= this.limits.maxStringLength
        ) {
          setAttribute(out, key, value);
          return;
        }
      }
      c.i = start;
    }
    if (c.openObject()) throw GIVE_UP; // no key: rejected by the walk
    let key: string | undefined;
    let value: AttributeValue | undefined;
    let id = -1;
    do {
      id = KEY_VALUE_KEYS.read(c, id);
      if (id === 0) {
        if (key !== undefined) throw GIVE_UP;
        key = c.string();
        if (key.length > this.limits.maxStringLength) throw GIVE_UP;
      } else if (id === 1) {
        if (value !== undefined) throw GIVE_UP;
        value = this.anyValue();
      } else c.skip();
    } while (c.moreMembers());
    if (key === undefined) throw GIVE_UP;
    setAttribute(out, key, value ?? null);
  }

  /** An AnyValue holding a string, integer, double or boolean (or nothing → null). */
  private anyValue(): AttributeValue {
    const c = this.c;
    if (c.nullValue() || c.openObject()) return null;
    let value: AttributeValue = null;
    let found = false;
    let id = -1;
    do {
      id = ANY_VALUE_KEYS.read(c, id);
      if (id === -1) {
        c.skip();
        continue;
      }
      // One field per AnyValue; arrays, kvlists, bytes and snake_case are the walk's.
      if (found || id >= SNAKE_FROM.anyValue) throw GIVE_UP;
      found = true;
      switch (id) {
        case 0: {
          const s = c.string();
          if (s.length > this.limits.maxStringLength) throw GIVE_UP;
          value = s;
          break;
        }
        case 1:
          value = this.integer();
          break;
        case 2:
          value = c.number();
          break;
        default:
          value = c.boolean();
      }
    } while (c.moreMembers());
    return value;
  }
}

function histogram(
  resource: ResourceInfo,
  scope: string,
  name: string,
  unit: string,
  attributes: Attributes,
  startTimeMs: number,
  timeMs: number,
  temporality: Temporality,
  count: number,
  sum: number | null,
  min: number | null,
  max: number | null,
  bounds: number[],
  bucketCounts: number[],
): MetricPoint {
  // The walk's object shape, field for field.
  return {
    resource,
    scope,
    name,
    unit,
    attributes,
    startTimeMs,
    timeMs,
    type: 'histogram',
    temporality,
    count,
    sum,
    min,
    max,
    bounds,
    bucketCounts,
  };
}

/**
 * Decodes an ExportMetricsServiceRequest body the fast way, or answers
 * `undefined` when the body needs the walk (see the module comment).
 */
export function fastMetricsJson(body: Buffer, limits: Readonly<DecodeLimits>): MetricBatch | undefined {
  const reader = new MetricsReader(new JsonCursor(body), limits);
  try {
    reader.request();
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
  return { points: reader.points, rejected: 0, rejectionMessage: '', limited: undefined };
}
