/**
 * OTLP/JSON spans straight from the bytes, as `metricsJsonFastPath.ts` does
 * for metrics: the SDK's JSON exporter is the JavaScript default, and
 * `JSON.parse`'s tree of every span, attribute and event costs more than the
 * spans the model keeps.
 *
 * Covered: lowerCamelCase fields, hex ids, kinds and status codes as numbers
 * or their proto names, events, scalar attribute values, no limit reached and
 * nothing to reject. Anything else (snake_case, base64 ids, array or kvlist
 * values, a span the walk would reject…) answers `undefined` and the walk in
 * `otlpJson.ts` decodes the body; for what this decoder accepts its result
 * equals the walk's (`tracesJsonFastPath.test.ts`).
 */
import type { DecodeLimits } from './decodeContext';
import { fastHexId } from './ids';
import { GIVE_UP, JsonCursor, KeySet, markSeen } from './jsonCursor';
import { SPAN_KIND_NAMES, STATUS_CODE_NAMES } from './otlpEnums';
import { OtlpJsonReader, type RequestKeys } from './otlpJsonReader';
import type {
  Attributes,
  IngestSpan,
  ResourceInfo,
  SpanEvent,
  SpanKindValue,
  StatusCode,
  TraceBatch,
} from './telemetry';

const REQUEST_KEYS: RequestKeys = {
  request: new KeySet(['resourceSpans'], ['resource_spans']),
  group: new KeySet(['resource', 'scopeSpans'], ['scope_spans']),
  scope: new KeySet(['scope', 'spans']),
};

const SPAN_KEYS = new KeySet(
  [
    'traceId',
    'spanId',
    'parentSpanId',
    'name',
    'kind',
    'startTimeUnixNano',
    'endTimeUnixNano',
    'attributes',
    'events',
    'status',
  ],
  ['trace_id', 'span_id', 'parent_span_id', 'start_time_unix_nano', 'end_time_unix_nano'],
);
const EVENT_KEYS = new KeySet(['name', 'timeUnixNano', 'attributes'], ['time_unix_nano']);
const STATUS_KEYS = new KeySet(['code', 'message']);

class SpansReader extends OtlpJsonReader<IngestSpan> {
  constructor(c: JsonCursor, limits: Readonly<DecodeLimits>) {
    super(c, limits, REQUEST_KEYS);
  }

  /** One Span, or give up. */
  protected item(resource: ResourceInfo, scope: string): void {
    const c = this.c;
    if (c.openObject()) throw GIVE_UP; // no ids: rejected by the walk
    let seen = 0;
    let traceId: string | undefined;
    let spanId: string | undefined;
    let parentSpanId: string | null = null;
    let name = '';
    let kind = 0;
    let startTimeMs = 0;
    let endTimeMs = 0;
    let attributes: Attributes = {};
    let events: SpanEvent[] | undefined;
    let statusCode = 0;
    let statusMessage = '';
    let id = -1;
    do {
      id = SPAN_KEYS.read(c, id);
      seen = markSeen(seen, id);
      switch (id) {
        case 0:
          traceId = this.id(32);
          break;
        case 1:
          spanId = this.id(16);
          break;
        case 2:
          parentSpanId = this.parentId();
          break;
        case 3:
          name = this.optString();
          break;
        case 4:
          kind = this.enumValue(SPAN_KIND_NAMES, 5);
          break;
        case 5:
          startTimeMs = this.times.read(c);
          break;
        case 6:
          endTimeMs = this.times.read(c);
          break;
        case 7:
          attributes = this.attributes();
          break;
        case 8:
          events = this.events();
          break;
        case 9:
          if (c.nullValue() || c.openObject()) break;
          {
            let statusSeen = 0;
            let sid = -1;
            do {
              sid = STATUS_KEYS.read(c, sid);
              statusSeen = markSeen(statusSeen, sid);
              if (sid === 0) statusCode = this.enumValue(STATUS_CODE_NAMES, 2);
              else if (sid === 1) statusMessage = this.optString();
              else c.skip();
            } while (c.moreMembers());
          }
          break;
        default:
          c.skip(); // traceState, links, dropped counts, flags: not read by the walk either
      }
    } while (c.moreMembers());
    if (traceId === undefined || spanId === undefined) throw GIVE_UP;
    this.admit();
    this.items.push({
      resource,
      scope,
      traceId,
      spanId,
      parentSpanId,
      name,
      kind: kind as SpanKindValue,
      startTimeMs,
      endTimeMs,
      statusCode: statusCode as StatusCode,
      statusMessage,
      attributes,
      events: events ?? [],
    });
  }

  /** A hex id of `length` digits (lower-cased), not all zeros; base64 ids and the rest are the walk's. */
  private id(length: number): string {
    const c = this.c;
    if (!c.atString()) throw GIVE_UP;
    const id = fastHexId(c.freshString(), length);
    if (id === null) throw GIVE_UP;
    return id;
  }

  /** `parentSpanId`: absent, null or '' for a root span. */
  private parentId(): string | null {
    const c = this.c;
    if (c.nullValue()) return null;
    if (!c.atString()) throw GIVE_UP;
    const value = c.freshString();
    if (value === '') return null;
    const id = fastHexId(value, 16);
    if (id === null) throw GIVE_UP;
    return id;
  }

  private events(): SpanEvent[] {
    const c = this.c;
    const out: SpanEvent[] = [];
    if (c.nullValue() || c.openArray()) return out;
    do {
      if (out.length >= this.limits.maxEventsPerSpan) throw GIVE_UP;
      out.push(this.event());
    } while (c.moreElements());
    return out;
  }

  private event(): SpanEvent {
    const c = this.c;
    let name = '';
    let timeMs = 0;
    let attributes: Attributes = {};
    if (c.openObject()) return { name, timeMs, attributes };
    let seen = 0;
    let id = -1;
    do {
      id = EVENT_KEYS.read(c, id);
      seen = markSeen(seen, id);
      if (id === 0) name = this.optString();
      else if (id === 1) timeMs = this.times.read(c);
      else if (id === 2) attributes = this.attributes();
      else c.skip();
    } while (c.moreMembers());
    return { name, timeMs, attributes };
  }
}

/**
 * Decodes an ExportTraceServiceRequest body the fast way, or answers
 * `undefined` when the body needs the walk (see the module comment).
 */
export function fastTracesJson(body: Buffer, limits: Readonly<DecodeLimits>): TraceBatch | undefined {
  const reader = new SpansReader(new JsonCursor(body), limits);
  try {
    reader.request();
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
  return { spans: reader.items, rejected: 0, rejectionMessage: '', limited: undefined };
}
