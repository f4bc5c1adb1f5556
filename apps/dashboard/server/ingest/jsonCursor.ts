/**
 * A forward-only reader over the bytes of a JSON document, for decoders that
 * build their output directly from the bytes instead of from `JSON.parse`'s
 * object tree (`otlpJsonReader.ts` and the readers built on it).
 *
 * It reads only the common, unambiguous forms and gives up on everything else
 * by throwing {@link GIVE_UP}: the caller then decodes the same body the
 * general way (`JSON.parse` and a walk), which produces the result, or the
 * error message, for the unusual input. So the cursor never has to report a
 * syntax error itself, but it must never accept a document `JSON.parse` would
 * reject: whatever it skips is fully checked against the JSON grammar.
 */

import { cachedString, hashStep, latin1 } from './stringCache';

/** Thrown by the cursor (and its users) for input the fast path does not handle. */
export const GIVE_UP: unique symbol = Symbol('json fast path gives up');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Values skipped deeper than this make the cursor give up (JSON.parse has no such limit, the walk decides). */
const MAX_SKIP_DEPTH = 64;

/** Exact powers of ten: `m / 10^k` with m < 2^53 and k ≤ 22 is correctly rounded (Clinger's fast path). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_EXACT_DIGITS = 15;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/**
 * Object keys the caller expects, matched against the bytes without making a
 * string per key. {@link read} answers the key's index in `keys`, or -1 for
 * a key in neither list; a key of `walkOnly` (snake_case names, forms only the
 * walk in `otlpJson.ts` reads) gives up.
 */
export class KeySet {
  /** The keys' bytes and ids, grouped by length (flat arrays: no tuple per lookup). */
  private readonly bytesByLength: (Uint8Array[] | undefined)[] = [];
  private readonly idsByLength: (number[] | undefined)[] = [];
  /** `"key":` as bytes, per id. */
  private readonly quoted: Uint8Array[];
  /** Ids from here on are `walkOnly` keys. */
  private readonly walkFrom: number;
  /**
   * For each key (slot 0: the start of an object or an unknown key), the key
   * that followed it last time. Senders write their fields in one order, so
   * the next key is tried as a whole first (see {@link read}).
   */
  private readonly nextAfter: Int32Array;

  constructor(keys: readonly string[], walkOnly: readonly string[] = []) {
    const all = [...keys, ...walkOnly];
    all.forEach((key, id) => {
      const bytes = Buffer.from(key, 'latin1');
      const length = bytes.length;
      this.bytesByLength[length] = [...(this.bytesByLength[length] ?? []), bytes];
      this.idsByLength[length] = [...(this.idsByLength[length] ?? []), id];
    });
    this.walkFrom = keys.length;
    this.quoted = keys.map((key) => Buffer.from(`"${key}":`, 'latin1'));
    this.nextAfter = new Int32Array(keys.length + 1).fill(-1);
  }

  /**
   * Reads the next key of an object and its `:`; answers its id, or -1 for a
   * key not in the set. `previous` is the id of the key read before in the
   * same object (-1 for the first).
   */
  read(c: JsonCursor, previous: number): number {
    const slot = previous + 1;
    const guess = this.nextAfter[slot] as number;
    if (guess >= 0 && c.take(this.quoted[guess] as Uint8Array)) return guess;
    c.key();
    const id = this.match(c.b, c.keyStart, c.keyEnd);
    if (id >= this.walkFrom) throw GIVE_UP;
    this.nextAfter[slot] = id;
    return id;
  }

  private match(b: Uint8Array, start: number, end: number): number {
    const length = end - start;
    const candidates = this.bytesByLength[length];
    if (candidates === undefined) return -1;
    for (let c = 0; c < candidates.length; c++) {
      const bytes = candidates[c] as Uint8Array;
      let k = 0;
      while (k < length && bytes[k] === b[start + k]) k++;
      if (k === length) return (this.idsByLength[length] as number[])[c] as number;
    }
    return -1;
  }
}

/**
 * `seen` with the bit of member `id` set, for an object's members read so
 * far; gives up when it was set already (JSON.parse keeps the last of two
 * equal keys: the walk decides). -1 (unknown members) is not tracked.
 */
export function markSeen(seen: number, id: number): number {
  if (id < 0) return seen;
  const bit = 1 << id;
  if ((seen & bit) !== 0) throw GIVE_UP;
  return seen | bit;
}

export class JsonCursor {
  /** Position of the next unread byte. */
  i = 0;
  /** Start and end (exclusive) of the last key read by {@link key}. */
  keyStart = 0;
  keyEnd = 0;

  private readonly end: number;
  /**
   * Set by {@link scanString}: where the string's text starts, whether it had
   * no escape and no byte above 0x7f, and its {@link hashStep} hash.
   */
  private stringStart = 0;
  private plain = true;
  private hash = 0;

  constructor(readonly b: Buffer) {
    this.end = b.length;
  }

  /** Skips whitespace; returns the next byte (or -1 at the end) without consuming it. */
  peek(): number {
    const b = this.b;
    let i = this.i;
    const next = b[i];
    if (next !== undefined && next > 0x20) return next; // compact JSON: no whitespace
    while (i < this.end && isWhitespace(b[i] as number)) i++;
    this.i = i;
    return i < this.end ? (b[i] as number) : -1;
  }

  /** Consumes `byte` (after whitespace) or gives up. */
  expect(byte: number): void {
    if (this.peek() !== byte) throw GIVE_UP;
    this.i++;
  }

  /** After the document: only whitespace may follow. */
  finish(): void {
    if (this.peek() !== -1) throw GIVE_UP;
  }

  /** Consumes `{`; true when the object is empty (its `}` consumed too). */
  openObject(): boolean {
    this.expect(OPEN_BRACE);
    if (this.peek() === CLOSE_BRACE) {
      this.i++;
      return true;
    }
    return false;
  }

  /** Consumes `[`; true when the array is empty (its `]` consumed too). */
  openArray(): boolean {
    this.expect(OPEN_BRACKET);
    if (this.peek() === CLOSE_BRACKET) {
      this.i++;
      return true;
    }
    return false;
  }

  /**
   * After a member or element: consumes `,` and answers true (another one
   * follows), or consumes `close` and answers false.
   */
  more(close: number): boolean {
    const c = this.peek();
    this.i++;
    if (c === COMMA) return true;
    if (c === close) return false;
    throw GIVE_UP;
  }

  moreMembers(): boolean {
    return this.more(CLOSE_BRACE);
  }

  moreElements(): boolean {
    return this.more(CLOSE_BRACKET);
  }

  /**
   * Reads an object key and its `:`; the key's bytes are at
   * `keyStart`…`keyEnd`. Keys with escapes or non-ASCII bytes give up (the
   * walk names them).
   */
  key(): void {
    this.expect(QUOTE);
    const b = this.b;
    const start = this.i;
    let i = start;
    for (;;) {
      if (i >= this.end) throw GIVE_UP;
      const c = b[i] as number;
      if (c === QUOTE) break;
      if (c === BACKSLASH || c < 0x20 || c >= 0x80) throw GIVE_UP;
      i++;
    }
    this.keyStart = start;
    this.keyEnd = i;
    this.i = i + 1;
    this.expect(COLON);
  }

  /**
   * True (and consumed) when the bytes at the cursor are exactly `bytes`, with
   * no whitespace skipped: lets a reader try the compact form an exporter
   * writes, then fall back to reading token by token.
   */
  take(bytes: Uint8Array): boolean {
    const b = this.b;
    const i = this.i;
    const n = bytes.length;
    if (i + n > this.end) return false;
    for (let k = 0; k < n; k++) if (b[i + k] !== bytes[k]) return false;
    this.i = i + n;
    return true;
  }

  /** True (and consumed) when the next value is the literal `null`. */
  nullValue(): boolean {
    if (this.peek() !== 0x6e) return false;
    this.literal('null');
    return true;
  }

  /** True when the next value is a string (not consumed). */
  atString(): boolean {
    return this.peek() === QUOTE;
  }

  /** A string value, decoded exactly as `JSON.parse` would. */
  string(): string {
    const end = this.scanString();
    const start = this.stringStart;
    if (this.plain) return cachedString(this.b, start, end, this.hash, latin1);
    return this.decodeString(start, end);
  }

  /**
   * A string value as {@link string} reads it, but never from or into the
   * cache: for values that are unique per item (ids), which would only evict
   * the names the cache is for.
   */
  freshString(): string {
    const end = this.scanString();
    const start = this.stringStart;
    return this.plain ? this.b.latin1Slice(start, end) : this.decodeString(start, end);
  }

  /**
   * Escapes or UTF-8 in `start`…`end`: JSON.parse decodes just this string
   * (invalid UTF-8 becomes U+FFFD as it does when the whole body is decoded).
   */
  private decodeString(start: number, end: number): string {
    return JSON.parse(this.b.utf8Slice(start - 1, end + 1)) as string;
  }

  /**
   * Consumes a string value, checking it as JSON.parse would; answers the
   * index of its closing quote and sets {@link stringStart}, {@link plain}
   * and {@link hash}.
   */
  private scanString(): number {
    this.expect(QUOTE);
    const b = this.b;
    let i = this.i;
    this.stringStart = i;
    let plain = true;
    let hash = 0;
    for (;;) {
      if (i >= this.end) throw GIVE_UP;
      const c = b[i] as number;
      if (c === QUOTE) break;
      if (c < 0x20) throw GIVE_UP;
      if (c === BACKSLASH) {
        plain = false;
        i = this.escape(i);
        continue;
      }
      if (c >= 0x80) plain = false;
      hash = hashStep(hash, c);
      i++;
    }
    this.plain = plain;
    this.hash = hash;
    this.i = i + 1;
    return i;
  }

  /** Checks the escape at `i` (a backslash); returns the index after it. */
  private escape(i: number): number {
    const b = this.b;
    const c = b[i + 1];
    if (c === 0x75) {
      for (let k = i + 2; k < i + 6; k++) {
        const h = b[k];
        if (h === undefined || k >= this.end) throw GIVE_UP;
        if (!isDigit(h) && !((h | 0x20) >= 0x61 && (h | 0x20) <= 0x66)) throw GIVE_UP;
      }
      return i + 6;
    }
    // " \ / b f n r t
    if (
      c === QUOTE ||
      c === BACKSLASH ||
      c === 0x2f ||
      c === 0x62 ||
      c === 0x66 ||
      c === 0x6e ||
      c === 0x72 ||
      c === 0x74
    ) {
      return i + 2;
    }
    throw GIVE_UP;
  }

  /** A boolean literal. */
  boolean(): boolean {
    const c = this.peek();
    if (c === 0x74) {
      this.literal('true');
      return true;
    }
    if (c === 0x66) {
      this.literal('false');
      return false;
    }
    throw GIVE_UP;
  }

  private literal(word: string): void {
    const b = this.b;
    const i = this.i;
    if (i + word.length > this.end) throw GIVE_UP;
    for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) throw GIVE_UP;
    this.i = i + word.length;
  }

  /** True when the next value is a number (not consumed). */
  atNumber(): boolean {
    const c = this.peek();
    return c === MINUS || isDigit(c);
  }

  /** A JSON number, as `JSON.parse` reads it (correctly rounded). */
  number(): number {
    this.peek();
    const b = this.b;
    const start = this.i;
    let i = start;
    let negative = false;
    if (b[i] === MINUS) {
      negative = true;
      i++;
    }
    // Integer part: 0, or a non-zero digit and more digits.
    let mantissa = 0;
    let digits = 0;
    let c = b[i] as number;
    if (c === ZERO) {
      i++;
    } else if (isDigit(c)) {
      for (; i < this.end; i++) {
        c = b[i] as number;
        if (!isDigit(c)) break;
        if (digits > 0 || c !== ZERO) digits++;
        mantissa = mantissa * 10 + (c - ZERO);
      }
    } else throw GIVE_UP;
    let fraction = 0;
    if (i < this.end && b[i] === DOT) {
      i++;
      const fractionStart = i;
      for (; i < this.end; i++) {
        c = b[i] as number;
        if (!isDigit(c)) break;
        if (digits > 0 || c !== ZERO) digits++;
        mantissa = mantissa * 10 + (c - ZERO);
      }
      fraction = i - fractionStart;
      if (fraction === 0) throw GIVE_UP;
    }
    let exact = digits <= MAX_EXACT_DIGITS && fraction < POW10.length;
    c = b[i] as number;
    if (i < this.end && (c === 0x65 || c === 0x45)) {
      i++;
      c = b[i] as number;
      if (c === PLUS || c === MINUS) i++;
      const exponentStart = i;
      while (i < this.end && isDigit(b[i] as number)) i++;
      if (i === exponentStart) throw GIVE_UP;
      exact = false;
    }
    this.i = i;
    if (!exact) return Number(this.b.latin1Slice(start, i));
    const value = fraction === 0 ? mantissa : mantissa / (POW10[fraction] as number);
    return negative ? -value : value;
  }

  /**
   * A number made of digits only (no sign, fraction or exponent), or gives up:
   * what unsigned OTLP integers look like. Exact beyond 2^53 like `Number()`.
   */
  digits(): number {
    this.peek();
    const b = this.b;
    const start = this.i;
    const value = this.digitRun(start);
    const end = this.i;
    const n = end - start;
    if (n === 0 || (n > 1 && b[start] === ZERO)) throw GIVE_UP;
    const c = b[end];
    if (c === DOT || c === 0x65 || c === 0x45) throw GIVE_UP;
    return value;
  }

  /**
   * A string made of decimal digits only (how OTLP/JSON writes 64-bit
   * integers), as a number; gives up on anything else. Exact like `Number()`.
   */
  digitString(): number {
    this.expect(QUOTE);
    const start = this.i;
    const value = this.digitRun(start);
    if (this.i === start || this.b[this.i] !== QUOTE) throw GIVE_UP;
    this.i++;
    return value;
  }

  /** The decimal digits from `start` as a number (exact, like `Number()`); leaves the cursor after them. */
  private digitRun(start: number): number {
    const b = this.b;
    let i = start;
    let value = 0;
    while (i < this.end && isDigit(b[i] as number)) {
      value = value * 10 + ((b[i] as number) - ZERO);
      i++;
    }
    this.i = i;
    return i - start <= MAX_EXACT_DIGITS ? value : Number(b.latin1Slice(start, i));
  }

  /** Skips any JSON value, checking it as strictly as `JSON.parse` would. */
  skip(depth = 0): void {
    const c = this.peek();
    if (c === QUOTE) {
      this.scanString();
      return;
    }
    if (c === OPEN_BRACE) {
      if (depth >= MAX_SKIP_DEPTH) throw GIVE_UP;
      if (this.openObject()) return;
      do {
        this.key();
        this.skip(depth + 1);
      } while (this.moreMembers());
      return;
    }
    if (c === OPEN_BRACKET) {
      if (depth >= MAX_SKIP_DEPTH) throw GIVE_UP;
      if (this.openArray()) return;
      do this.skip(depth + 1);
      while (this.moreElements());
      return;
    }
    if (c === 0x74) this.literal('true');
    else if (c === 0x66) this.literal('false');
    else if (c === 0x6e) this.literal('null');
    else this.number();
  }
}
