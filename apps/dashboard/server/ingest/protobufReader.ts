/**
 * A minimal reader of the protobuf wire format, bounded by its input: every
 * read checks the bytes left and throws DecodeError (never another kind of
 * error) on truncated or malformed input. Decoders drive it field by field and
 * skip what they do not know.
 */
import { DecodeError } from './decodeError';
import { CACHEABLE_LENGTH, cachedString, hashStep, utf8 } from './stringCache';

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const TWO_32 = 4294967296;

/**
 * Node's Buffer decodes with `utf8Slice(start, end)`; `toString('utf8', start, end)`
 * wraps it in argument normalisation that costs more than decoding a short
 * string. Called directly (same decoding, same U+FFFD replacement) with bounds
 * already checked; `toString` where a runtime lacks it.
 */
type FastBuffer = Buffer & { utf8Slice(start: number, end: number): string };
const HAS_UTF8_SLICE = typeof (Buffer.prototype as Partial<FastBuffer>).utf8Slice === 'function';

export class ProtoReader {
  readonly buf: Uint8Array;
  pos = 0;
  private readonly view: DataView;
  private readonly text: Buffer;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.text = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get length(): number {
    return this.buf.length;
  }

  fail(message: string): never {
    throw new DecodeError(`invalid protobuf at byte ${this.pos}: ${message}`);
  }

  /** A varint that fits in 32 bits (tags, lengths, enums, int32); higher bits are discarded like protobuf does. */
  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    const end = buf.length;
    if (pos >= end) this.fail('truncated varint');
    let b = buf[pos++]!;
    let value = b & 0x7f;
    if (b < 0x80) {
      this.pos = pos;
      return value;
    }
    for (let shift = 7; shift < 35; shift += 7) {
      if (pos >= end) this.fail('truncated varint');
      b = buf[pos++]!;
      value |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    // Bytes 6-10 of a 64-bit varint: only their termination matters here.
    for (let i = 5; i < 10; i++) {
      if (pos >= end) this.fail('truncated varint');
      if (buf[pos++]! < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    this.fail('varint longer than 10 bytes');
  }

  /** A 64-bit varint as a JS number (exact up to 2^53); `signed` reads int64 two's complement. */
  varint64(signed: boolean): number {
    const buf = this.buf;
    const end = buf.length;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let b = 0;
    let i = 0;
    for (; i < 4; i++) {
      if (pos >= end) this.fail('truncated varint');
      b = buf[pos++]!;
      lo |= (b & 0x7f) << (i * 7);
      if (b < 0x80) break;
    }
    if (b >= 0x80) {
      // 5th byte: 4 bits to lo, 3 bits to hi.
      if (pos >= end) this.fail('truncated varint');
      b = buf[pos++]!;
      lo |= (b & 0x0f) << 28;
      hi = (b & 0x7f) >> 4;
      if (b >= 0x80) {
        for (i = 0; i < 5; i++) {
          if (pos >= end) this.fail('truncated varint');
          b = buf[pos++]!;
          hi |= (b & 0x7f) << (i * 7 + 3);
          if (b < 0x80) break;
        }
        if (b >= 0x80) this.fail('varint longer than 10 bytes');
      }
    }
    this.pos = pos;
    lo >>>= 0;
    hi >>>= 0;
    if (signed && hi >= 0x80000000) {
      // Two's complement: -(~value + 1).
      const nlo = (~lo + 1) >>> 0;
      const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
      return -(nhi * TWO_32 + nlo);
    }
    return hi * TWO_32 + lo;
  }

  /** sint32 (zigzag). */
  sint32(): number {
    const n = this.uint32();
    return (n >>> 1) ^ -(n & 1);
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) this.fail(`truncated: ${n} bytes needed, ${this.buf.length - this.pos} left`);
  }

  /** fixed64 as an unsigned JS number. */
  fixed64(): number {
    this.need(8);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    return hi * TWO_32 + lo;
  }

  /** sfixed64 as a JS number. */
  sfixed64(): number {
    this.need(8);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getInt32(this.pos + 4, true);
    this.pos += 8;
    return hi * TWO_32 + lo;
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /**
   * Read a length prefix and return where the length-delimited field ends,
   * checked against `limit` (the end of the enclosing message).
   */
  lenEnd(limit: number, what: string): number {
    const start = this.pos;
    const len = this.uint32();
    const end = this.pos + len;
    if (end > limit) {
      const left = limit - this.pos;
      this.pos = start;
      this.fail(`${what} of ${len} bytes extends past the end of its enclosing message (${left} bytes left)`);
    }
    return end;
  }

  /** UTF-8 string field (invalid sequences become U+FFFD). */
  string(limit: number, what: string): string {
    const end = this.lenEnd(limit, what);
    const start = this.pos;
    this.pos = end;
    if (start === end) return '';
    if (end - start <= CACHEABLE_LENGTH && HAS_UTF8_SLICE) {
      const b = this.text;
      let hash = 0;
      for (let k = start; k < end; k++) hash = hashStep(hash, b[k] as number);
      return cachedString(b, start, end, hash, utf8);
    }
    return HAS_UTF8_SLICE ? (this.text as FastBuffer).utf8Slice(start, end) : this.text.toString('utf8', start, end);
  }

  /** Bytes field as base64 (how OTLP/JSON carries bytes). */
  base64(limit: number, what: string): string {
    const end = this.lenEnd(limit, what);
    const start = this.pos;
    this.pos = end;
    return this.text.toString('base64', start, end);
  }

  /** Skip the value of a field with the given tag. */
  skip(tag: number, limit: number): void {
    switch (tag & 7) {
      case WIRE_VARINT:
        this.varint64(false);
        return;
      case WIRE_I64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.lenEnd(limit, `field ${tag >>> 3}`);
        return;
      case WIRE_I32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        this.fail(`unsupported wire type ${tag & 7} (field ${tag >>> 3})`);
    }
  }

  /** Read a tag; field number 0 is invalid. */
  tag(): number {
    const tag = this.uint32();
    if (tag >>> 3 === 0) this.fail(`invalid tag ${tag} (field number 0)`);
    return tag;
  }

  /** After a message's fields: reading must have stopped exactly at its end. */
  expectEnd(end: number, what: string): void {
    if (this.pos !== end) this.fail(`${what} overran its length by ${this.pos - end} bytes`);
  }
}
