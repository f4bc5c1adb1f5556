import type { Attributes, AttributeValue, LimitStats } from './telemetry';

/**
 * Limits applied while decoding, in both encodings alike. Every limit keeps the
 * item and trims it (counted in `LimitStats`) except `maxItems`, beyond which
 * items are rejected (partial success).
 */
export interface DecodeLimits {
  /** Attributes kept per span, event, data point or resource; the rest are dropped. */
  maxAttributes: number;
  /** Longest string value, key or name kept (UTF-16 code units); longer ones are cut. */
  maxStringLength: number;
  /**
   * Deepest AnyValue nesting kept: an attribute value is at depth 1, the
   * elements of an array value at depth 2, and so on. An array / kvlist whose
   * elements would sit deeper is replaced by null.
   */
  maxValueDepth: number;
  /** Elements kept in one array value or entries in one kvlist value. */
  maxValueElements: number;
  /** Events kept per span. */
  maxEventsPerSpan: number;
  /** Spans (or metric data points) accepted per request; the rest are rejected. */
  maxItems: number;
}

export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze({
  maxAttributes: 128,
  maxStringLength: 4096,
  maxValueDepth: 8,
  maxValueElements: 1024,
  maxEventsPerSpan: 128,
  maxItems: 100_000,
});

/** Merge options over the defaults; every option must be a positive integer. */
export function resolveDecodeLimits(options?: Partial<DecodeLimits>): Readonly<DecodeLimits> {
  if (options === undefined) return DEFAULT_DECODE_LIMITS;
  const limits = { ...DEFAULT_DECODE_LIMITS };
  for (const key of Object.keys(DEFAULT_DECODE_LIMITS) as (keyof DecodeLimits)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`decode limit ${key} must be a positive integer, got ${String(value)}`);
    }
    limits[key] = value;
  }
  return limits;
}

/**
 * Per-request decoding state shared by the JSON and protobuf decoders: the
 * limits, the counters of what they trimmed, and the rejected items.
 */
export class DecodeContext {
  readonly limits: Readonly<DecodeLimits>;
  /** Items accepted so far (checked against `maxItems`). */
  items = 0;
  rejected = 0;
  droppedAttributes = 0;
  truncatedStrings = 0;
  truncatedValues = 0;
  droppedEvents = 0;
  private problems = 0;
  private firstProblem = '';
  private overLimit = 0;

  constructor(options?: Partial<DecodeLimits>) {
    this.limits = resolveDecodeLimits(options);
  }

  /** True when one more item may be accepted; otherwise counts it as rejected. */
  admit(): boolean {
    if (this.items < this.limits.maxItems) return true;
    this.overLimit++;
    this.rejected++;
    return false;
  }

  /** Reject `count` items (0 for a container that held none) for `message`. */
  reject(count: number, message: string): void {
    this.rejected += count;
    if (this.problems++ === 0) this.firstProblem = message;
  }

  /** `s`, cut to the string length limit (never splitting a surrogate pair). */
  str(s: string): string {
    const max = this.limits.maxStringLength;
    if (s.length <= max) return s;
    this.truncatedStrings++;
    const code = s.charCodeAt(max - 1);
    return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
  }

  /** Message for the partial-success response: rejections first, then trims. */
  message(itemName: string): string {
    const parts: string[] = [];
    if (this.problems > 0) {
      parts.push(
        this.problems > 1 ? `${this.firstProblem} (and ${this.problems - 1} more problems)` : this.firstProblem,
      );
    }
    if (this.overLimit > 0) {
      parts.push(`${this.overLimit} ${itemName} over the limit of ${this.limits.maxItems} per request rejected`);
    }
    const trims: string[] = [];
    if (this.droppedAttributes > 0) {
      trims.push(`${this.droppedAttributes} attributes dropped (limit ${this.limits.maxAttributes} per item)`);
    }
    if (this.truncatedStrings > 0) {
      trims.push(`${this.truncatedStrings} strings truncated to ${this.limits.maxStringLength} characters`);
    }
    if (this.truncatedValues > 0) {
      trims.push(
        `${this.truncatedValues} values nested deeper than ${this.limits.maxValueDepth} or longer than ${this.limits.maxValueElements} elements trimmed`,
      );
    }
    if (this.droppedEvents > 0) {
      trims.push(`${this.droppedEvents} span events dropped (limit ${this.limits.maxEventsPerSpan} per span)`);
    }
    if (trims.length > 0) parts.push(`accepted with limits applied: ${trims.join(', ')}`);
    return parts.join('; ');
  }

  stats(): LimitStats | undefined {
    if (this.droppedAttributes + this.truncatedStrings + this.truncatedValues + this.droppedEvents === 0)
      return undefined;
    return {
      droppedAttributes: this.droppedAttributes,
      truncatedStrings: this.truncatedStrings,
      truncatedValues: this.truncatedValues,
      droppedEvents: this.droppedEvents,
    };
  }
}

/** `target[key] = value`, safe for the key `__proto__` (which would otherwise set the prototype). */
export function setAttribute(target: Attributes, key: string, value: AttributeValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** `service.name` / `service.instance.id` from resource attributes, with OTel's defaults. */
export function resourceInfo(attributes: Attributes): {
  service: string;
  instance: string | null;
  attributes: Attributes;
} {
  const service = attributes['service.name'];
  const instance = attributes['service.instance.id'];
  return {
    service: typeof service === 'string' && service !== '' ? service : 'unknown_service',
    instance: typeof instance === 'string' && instance !== '' ? instance : null,
    attributes,
  };
}

/** Nanoseconds since the epoch (already a JS number) → milliseconds. */
export function nanosToMs(nanos: number): number {
  return nanos / 1e6;
}
