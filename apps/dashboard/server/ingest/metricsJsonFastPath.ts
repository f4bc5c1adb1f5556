/**
 * OTLP/JSON metrics straight from the bytes, for the bodies exporters send.
 *
 * `JSON.parse` builds an object per data point, attribute, AnyValue and
 * bucket list, which the walk in `otlpJson.ts` then reads once and drops:
 * for the SDK's metric exports that tree costs most of a request. This
 * decoder reads the same bytes with a {@link JsonCursor} and builds only
 * the {@link MetricPoint}s.
 *
 * It covers what exporters produce — lowerCamelCase fields, gauges, sums,
 * explicit-bucket and exponential histograms, string/int/double/bool
 * attribute values, no limit reached, nothing to reject — and answers
 * `undefined` for anything else (snake_case names, summaries, array or
 * kvlist values, duplicate fields, a value of the wrong type, a
 * limit that would apply, invalid JSON…). The caller then decodes the body
 * with the walk, which is the reference: for every body this decoder
 * accepts, its result equals the walk's (`metricsJsonFastPath.test.ts`
 * checks that on generated bodies).
 */
import type { DecodeLimits } from './decodeContext';
import { GIVE_UP, JsonCursor, KeySet, markSeen } from './jsonCursor';
import { TEMPORALITIES, TEMPORALITY_NAMES } from './otlpEnums';
import { OtlpJsonReader, type RequestKeys } from './otlpJsonReader';
import type { Attributes, MetricBatch, MetricPoint, ResourceInfo, Temporality } from './telemetry';

const REQUEST_KEYS: RequestKeys = {
  request: new KeySet(['resourceMetrics'], ['resource_metrics']),
  group: new KeySet(['resource', 'scopeMetrics'], ['scope_metrics']),
  scope: new KeySet(['scope', 'metrics']),
};
/** Summaries are the walk's too (exporters of this contract do not send them). */
const METRIC_KEYS = new KeySet(
  ['name', 'unit', 'gauge', 'sum', 'histogram', 'exponentialHistogram'],
  ['exponential_histogram', 'summary'],
);
const DATA_KEYS = new KeySet(
  ['dataPoints', 'aggregationTemporality', 'isMonotonic'],
  ['data_points', 'aggregation_temporality', 'is_monotonic'],
);
const POINT_KEYS = new KeySet(
  [
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
  ],
  ['start_time_unix_nano', 'time_unix_nano', 'bucket_counts', 'explicit_bounds', 'as_double', 'as_int', 'zero_count'],
);
const BUCKETS_KEYS = new KeySet(['offset', 'bucketCounts'], ['bucket_counts']);

const METRIC_KINDS: readonly Kind[] = ['gauge', 'sum', 'histogram', 'exponential_histogram'];

type Kind = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram';

interface Buckets {
  offset: number;
  bucketCounts: number[];
}

class MetricsReader extends OtlpJsonReader<MetricPoint> {
  constructor(c: JsonCursor, limits: Readonly<DecodeLimits>) {
    super(c, limits, REQUEST_KEYS);
  }

  /** One Metric: its data points, or give up. */
  protected item(resource: ResourceInfo, scope: string): void {
    const c = this.c;
    if (c.openObject()) throw GIVE_UP; // rejected by the walk (no data)
    let name: string | undefined;
    let unit: string | undefined;
    let kind: Kind | undefined;
    // What the points were made with: the name and unit read before the data.
    let pointName = '';
    let pointUnit = '';
    const first = this.items.length;
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
          pointName = name ?? '';
          pointUnit = unit ?? '';
          this.data(kind, resource, scope, pointName, pointUnit);
          break;
        default:
          c.skip();
      }
    } while (c.moreMembers());
    // No data, or no name: rejected by the walk, with its message.
    if (kind === undefined || name === undefined || name === '') throw GIVE_UP;
    // Name or unit after the data: the points were made without them.
    if (name === pointName && (unit ?? '') === pointUnit) return;
    const points = this.items;
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
    // What the points were made with: the temporality and monotonicity read before them.
    let pointTemporality: Temporality = 'unspecified';
    let pointMonotonic = false;
    const first = this.items.length;
    let id = -1;
    do {
      id = DATA_KEYS.read(c, id);
      if (id === 0) {
        if (sawPoints) throw GIVE_UP;
        sawPoints = true;
        if (c.nullValue() || c.openArray()) continue;
        pointTemporality = temporality ?? 'unspecified';
        pointMonotonic = monotonic ?? false;
        do {
          if (kind === 'histogram') this.histogramPoint(resource, scope, name, unit, pointTemporality);
          else if (kind === 'exponential_histogram')
            this.exponentialPoint(resource, scope, name, unit, pointTemporality);
          else this.numberPoint(kind, resource, scope, name, unit, pointTemporality, pointMonotonic);
        } while (c.moreElements());
      } else if (id === 1) {
        if (kind === 'gauge') {
          c.skip(); // not read for gauges
          continue;
        }
        if (temporality !== undefined) throw GIVE_UP;
        temporality = TEMPORALITIES[this.enumValue(TEMPORALITY_NAMES, 2)] as Temporality;
      } else if (id === 2) {
        if (kind !== 'sum') {
          c.skip();
          continue;
        }
        if (monotonic !== undefined) throw GIVE_UP;
        monotonic = c.nullValue() ? false : c.boolean();
      } else c.skip();
    } while (c.moreMembers());
    // Temporality or monotonicity after the points: set them now.
    if ((temporality ?? 'unspecified') === pointTemporality && (monotonic ?? false) === pointMonotonic) return;
    const points = this.items;
    for (let p = first; p < points.length; p++) {
      const point = points[p] as MetricPoint & { temporality: Temporality; monotonic?: boolean };
      point.temporality = temporality ?? 'unspecified';
      if (kind === 'sum') point.monotonic = monotonic ?? false;
    }
  }

  /** The members every data point type has, read into one record reused point after point. */
  private readonly point = new PointFields();

  /**
   * Reads the next member key of a data point: its id (-1 when unknown), or
   * gives up on a snake_case name or a member given twice.
   */
  private pointKey(previous: number): number {
    const id = POINT_KEYS.read(this.c, previous);
    this.point.seen = markSeen(this.point.seen, id);
    return id;
  }

  /** Reads member `id` if every point type has it (attributes, times, flags); false otherwise. */
  private commonMember(id: number): boolean {
    const f = this.point;
    switch (id) {
      case 0:
        f.attributes = this.attributes();
        return true;
      case 1:
        f.startTimeMs = this.times.read(this.c);
        return true;
      case 2:
        f.timeMs = this.times.read(this.c);
        return true;
      case 3:
        f.flags = this.flags();
        return true;
      default:
        return false;
    }
  }

  /** Reads member `id` if both histogram types have it (count, sum, min, max); false otherwise. */
  private statsMember(id: number): boolean {
    const f = this.point;
    switch (id) {
      case 4:
        f.count = this.unsigned();
        return true;
      case 5:
        f.sum = this.optDouble();
        return true;
      case 6:
        f.min = this.optDouble();
        return true;
      case 7:
        f.max = this.optDouble();
        return true;
      default:
        return false;
    }
  }

  private histogramPoint(
    resource: ResourceInfo,
    scope: string,
    name: string,
    unit: string,
    temporality: Temporality,
  ): void {
    const c = this.c;
    const f = this.point.reset();
    let bucketCounts: number[] = [];
    let bounds: number[] = [];
    if (!c.openObject()) {
      let id = -1;
      do {
        id = this.pointKey(id);
        if (this.commonMember(id) || this.statsMember(id)) continue;
        if (id === 8) bucketCounts = this.unsignedList();
        else if (id === 9) bounds = this.doubleList();
        else c.skip(); // asDouble / asInt are not read for histograms, nor unknown fields
      } while (c.moreMembers());
    }
    if ((f.flags & 1) !== 0) return; // no recorded value: skipped, as the walk does
    if (bucketCounts.length !== 0 && bucketCounts.length !== bounds.length + 1) throw GIVE_UP;
    this.admit();
    // The walk's object shape, field for field.
    this.items.push({
      resource,
      scope,
      name,
      unit,
      attributes: f.attributes,
      startTimeMs: f.startTimeMs,
      timeMs: f.timeMs,
      type: 'histogram',
      temporality,
      count: f.count,
      sum: f.sum,
      min: f.min,
      max: f.max,
      bounds,
      bucketCounts,
    });
  }

  private exponentialPoint(
    resource: ResourceInfo,
    scope: string,
    name: string,
    unit: string,
    temporality: Temporality,
  ): void {
    const c = this.c;
    const f = this.point.reset();
    let scale = 0;
    let zeroCount = 0;
    let positive: Buckets = { offset: 0, bucketCounts: [] };
    let negative: Buckets = { offset: 0, bucketCounts: [] };
    if (!c.openObject()) {
      let id = -1;
      do {
        id = this.pointKey(id);
        if (this.commonMember(id) || this.statsMember(id)) continue;
        if (id === 12) scale = c.nullValue() ? 0 : this.integer();
        else if (id === 13) zeroCount = this.unsigned();
        else if (id === 14) positive = this.buckets();
        else if (id === 15) negative = this.buckets();
        else c.skip(); // zeroThreshold, exemplars, fields of other point types
      } while (c.moreMembers());
    }
    if ((f.flags & 1) !== 0) return;
    this.admit();
    this.items.push({
      resource,
      scope,
      name,
      unit,
      attributes: f.attributes,
      startTimeMs: f.startTimeMs,
      timeMs: f.timeMs,
      type: 'exponential_histogram',
      temporality,
      count: f.count,
      sum: f.sum,
      min: f.min,
      max: f.max,
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
      seen = markSeen(seen, id);
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
    const f = this.point.reset();
    let asDouble: number | null = null;
    let asInt: number | null = null;
    let id = -1;
    do {
      id = this.pointKey(id);
      if (this.commonMember(id)) continue;
      if (id === 10) asDouble = this.optDouble();
      else if (id === 11) asInt = c.nullValue() ? null : this.integer();
      else c.skip(); // count, sum, bounds…: not read for gauges and sums
    } while (c.moreMembers());
    if ((f.flags & 1) !== 0) return;
    const value = asDouble ?? asInt;
    if (value === null) throw GIVE_UP;
    this.admit();
    this.items.push({
      resource,
      scope,
      name,
      unit,
      attributes: f.attributes,
      startTimeMs: f.startTimeMs,
      timeMs: f.timeMs,
      type,
      temporality,
      monotonic,
      value,
    });
  }
}

/** See {@link MetricsReader.point}. */
class PointFields {
  /** Bit per member id read so far (duplicates give up). */
  seen = 0;
  attributes: Attributes = {};
  startTimeMs = 0;
  timeMs = 0;
  flags = 0;
  count = 0;
  sum: number | null = null;
  min: number | null = null;
  max: number | null = null;

  reset(): this {
    this.seen = 0;
    this.attributes = {};
    this.startTimeMs = 0;
    this.timeMs = 0;
    this.flags = 0;
    this.count = 0;
    this.sum = null;
    this.min = null;
    this.max = null;
    return this;
  }
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
  return { points: reader.items, rejected: 0, rejectionMessage: '', limited: undefined };
}
