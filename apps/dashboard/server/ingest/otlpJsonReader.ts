/**
 * What the byte-level OTLP/JSON readers share (`metricsJsonFastPath.ts`,
 * `tracesJsonFastPath.ts`): the request's three levels (resource, scope,
 * items), resources and scopes, attributes, and the scalar fields, read from a
 * {@link JsonCursor} exactly as the walk in `otlpJson.ts` reads them from
 * `JSON.parse`'s tree — or {@link GIVE_UP} for anything the walk should decide.
 */
import { type DecodeLimits, nanosToMs, resourceInfo, setAttribute } from './decodeContext';
import { GIVE_UP, type JsonCursor, KeySet } from './jsonCursor';
import type { Attributes, AttributeValue, ResourceInfo } from './telemetry';

/** The key sets of one signal's request levels (their snake_case names are walk-only keys). */
export interface RequestKeys {
  /** `resourceMetrics` / `resourceSpans`. */
  readonly request: KeySet;
  /** `resource`, `scopeMetrics` / `scopeSpans`. */
  readonly group: KeySet;
  /** `scope`, `metrics` / `spans`. */
  readonly scope: KeySet;
}

const RESOURCE_KEYS = new KeySet(['attributes']);
const SCOPE_KEYS = new KeySet(['name']);
const KEY_VALUE_KEYS = new KeySet(['key', 'value']);
const ANY_VALUE_KEYS = new KeySet(
  ['stringValue', 'intValue', 'doubleValue', 'boolValue', 'arrayValue', 'kvlistValue', 'bytesValue'],
  ['string_value', 'int_value', 'double_value', 'bool_value', 'array_value', 'kvlist_value', 'bytes_value'],
);
const ARRAY_VALUES_KEYS = new KeySet(['values']);

const KV_OPEN = Buffer.from('{"key":', 'latin1');
const KV_STRING_VALUE = Buffer.from(',"value":{"stringValue":', 'latin1');
const KV_CLOSE = Buffer.from('}}', 'latin1');

/**
 * The last two timestamps read and their values in ms, compared by bytes:
 * the points of an export share their start and end times, and converting
 * a 19-digit string costs more than comparing it.
 */
export class TimestampCache {
  private readonly starts = [-1, -1];
  private readonly lengths = [0, 0];
  private readonly values = [0, 0];
  private next = 0;

  /** For the timestamps of one request body. */
  constructor(private readonly body: Uint8Array) {}

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
      while (k < length && b[start + k] === this.body[cached + k]) k++;
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

/** One request's decoding into items `T`; fields instead of closures so the hot loops stay monomorphic. */
export abstract class OtlpJsonReader<T> {
  readonly items: T[] = [];
  protected readonly times: TimestampCache;

  constructor(
    protected readonly c: JsonCursor,
    protected readonly limits: Readonly<DecodeLimits>,
    private readonly keys: RequestKeys,
  ) {
    this.times = new TimestampCache(c.b);
  }

  /** Reads one element of a scope's item list (a metric, a span). */
  protected abstract item(resource: ResourceInfo, scope: string): void;

  request(): void {
    const c = this.c;
    let found = false;
    if (c.openObject()) throw GIVE_UP; // `{}`: the walk's answer (nothing), but rare enough not to special-case
    let id = -1;
    do {
      id = this.keys.request.read(c, id);
      if (id === 0) {
        if (found) throw GIVE_UP;
        found = true;
        this.groupList();
      } else c.skip();
    } while (c.moreMembers());
    c.finish();
    if (!found) throw GIVE_UP;
  }

  private groupList(): void {
    const c = this.c;
    if (c.openArray()) return;
    do this.group();
    while (c.moreElements());
  }

  private group(): void {
    const c = this.c;
    let resource: ResourceInfo | undefined;
    let sawScopes = false;
    if (c.openObject()) return;
    let id = -1;
    do {
      id = this.keys.group.read(c, id);
      if (id === 0) {
        // After its scopes the resource would change items already made.
        if (resource !== undefined || sawScopes) throw GIVE_UP;
        resource = this.resource();
      } else if (id === 1) {
        if (sawScopes) throw GIVE_UP;
        sawScopes = true;
        resource ??= resourceInfo({});
        this.scopeList(resource);
      } else c.skip();
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

  private scopeList(resource: ResourceInfo): void {
    const c = this.c;
    if (c.nullValue() || c.openArray()) return;
    do this.scopeGroup(resource);
    while (c.moreElements());
  }

  private scopeGroup(resource: ResourceInfo): void {
    const c = this.c;
    let scope: string | undefined;
    let sawItems = false;
    if (c.openObject()) return;
    let id = -1;
    do {
      id = this.keys.scope.read(c, id);
      if (id === 0) {
        if (scope !== undefined || sawItems) throw GIVE_UP;
        scope = this.scope();
      } else if (id === 1) {
        if (sawItems) throw GIVE_UP;
        sawItems = true;
        scope ??= '';
        if (c.nullValue() || c.openArray()) continue;
        do this.item(resource, scope);
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
  protected optString(): string {
    const c = this.c;
    if (c.nullValue()) return '';
    const s = c.string();
    if (s.length > this.limits.maxStringLength) throw GIVE_UP;
    return s;
  }

  /** A proto enum given as an integer in [0, max] or its proto name; null → 0. */
  protected enumValue(names: Readonly<Record<string, number>>, max: number): number {
    const c = this.c;
    if (c.nullValue()) return 0;
    if (c.atString()) {
      const n = names[c.string()];
      if (n === undefined) throw GIVE_UP;
      return n;
    }
    const n = c.digits();
    if (n > max) throw GIVE_UP;
    return n;
  }

  /** `flags`: a number is read; anything else is ignored by the walk. */
  protected flags(): number {
    const c = this.c;
    if (c.atNumber()) return c.digits();
    c.skip();
    return 0;
  }

  /** An unsigned integer as digits or a digit string; null → 0. */
  protected unsigned(): number {
    const c = this.c;
    if (c.nullValue()) return 0;
    return c.atString() ? c.digitString() : c.digits();
  }

  /** A signed integer as a JSON number or a digit string. */
  protected integer(): number {
    const c = this.c;
    if (c.atString()) return c.digitString();
    const n = c.number();
    if (!Number.isInteger(n)) throw GIVE_UP;
    return n;
  }

  /** A double given as a JSON number; null → null. Strings ("NaN", "1.5") are the walk's. */
  protected optDouble(): number | null {
    const c = this.c;
    if (c.nullValue()) return null;
    return c.number();
  }

  protected unsignedList(): number[] {
    const c = this.c;
    const out: number[] = [];
    if (c.nullValue() || c.openArray()) return out;
    do out.push(c.atString() ? c.digitString() : c.digits());
    while (c.moreElements());
    return out;
  }

  protected doubleList(): number[] {
    const c = this.c;
    const out: number[] = [];
    if (c.nullValue() || c.openArray()) return out;
    do out.push(c.number());
    while (c.moreElements());
    return out;
  }

  /** Room for one more item, else give up: the walk rejects those over the limit. */
  protected admit(): void {
    if (this.items.length >= this.limits.maxItems) throw GIVE_UP;
  }

  /** A KeyValue list → Attributes (the walk's `attributes`, when no limit applies). */
  protected attributes(): Attributes {
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

  protected keyValue(out: Attributes, depth = 1): void {
    const c = this.c;
    // The compact form exporters write for a string attribute, tried first:
    // {"key":"…","value":{"stringValue":"…"}}
    const start = c.i;
    if (c.take(KV_OPEN) && c.atString()) {
      const key = c.string();
      if (c.take(KV_STRING_VALUE) && c.atString()) {
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
        value = this.anyValue(depth);
      } else c.skip();
    } while (c.moreMembers());
    if (key === undefined) throw GIVE_UP;
    setAttribute(out, key, value ?? null);
  }

  /** An AnyValue holding a string, integer, double or boolean (or nothing → null). */
  /**
   * An AnyValue at `depth` (an attribute's value is at 1), as the walk reads
   * it when no nesting or length limit applies; nothing → null.
   */
  protected anyValue(depth = 1): AttributeValue {
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
      // One field per AnyValue (the walk would pick by its own order).
      if (found) throw GIVE_UP;
      found = true;
      switch (id) {
        case 0:
        case 6: {
          // stringValue; bytesValue (base64, kept as the string)
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
        case 3:
          value = c.boolean();
          break;
        case 4:
          value = this.arrayValue(depth);
          break;
        default:
          value = this.kvlistValue(depth);
      }
    } while (c.moreMembers());
    return value;
  }

  /** `{"values": [AnyValue…]}`: the elements, or give up where the walk would trim (depth, length). */
  private arrayValue(depth: number): AttributeValue {
    const c = this.c;
    const out: AttributeValue[] = [];
    if (!this.openValues(depth)) return out;
    do {
      if (out.length >= this.limits.maxValueElements) throw GIVE_UP;
      out.push(this.anyValue(depth + 1));
    } while (c.moreElements());
    this.closeValues();
    return out;
  }

  /** `{"values": [{"key", "value"}…]}` → an object, as the walk builds it. */
  private kvlistValue(depth: number): AttributeValue {
    const c = this.c;
    const out: { [key: string]: AttributeValue } = {};
    if (!this.openValues(depth)) return out;
    let n = 0;
    do {
      if (++n > this.limits.maxValueElements) throw GIVE_UP;
      this.keyValue(out, depth + 1);
    } while (c.moreElements());
    this.closeValues();
    return out;
  }

  /**
   * Enters `{"values": [` of an array or kvlist value; false when there are
   * no elements (`{}`, `"values": []`, null: all consumed). Other members
   * of the object, or elements nested deeper than the limit, give up.
   */
  private openValues(depth: number): boolean {
    const c = this.c;
    if (c.openObject()) return false;
    if (ARRAY_VALUES_KEYS.read(c, -1) !== 0) throw GIVE_UP;
    if (c.nullValue()) {
      this.closeValues();
      return false;
    }
    // Too deep: the walk replaces even an empty list by null, and says so.
    if (depth >= this.limits.maxValueDepth) throw GIVE_UP;
    if (c.openArray()) {
      this.closeValues();
      return false;
    }
    return true;
  }

  /** Leaves the `{"values": …}` object: `values` must have been its only member. */
  private closeValues(): void {
    if (this.c.moreMembers()) throw GIVE_UP;
  }
}
