/**
 * Recently decoded short strings, by their bytes, shared by the decoders
 * (`jsonCursor.ts`, `protobufReader.ts`). Exports repeat the same keys and
 * values (`peer.service`, service, breaker and span names) in every item and
 * every request: handing out the same string again saves making one, and
 * since it is kept internalized (as V8 keeps property names) it needs no
 * string-table lookup when it becomes an attribute key, and compares by
 * pointer in the model's maps.
 *
 * Slots are compared by bytes, not by the cached string's characters:
 * reading those is slow once V8 has turned a string into a thin string
 * (which it does when an equal one is internalized elsewhere).
 */

/** 512 buckets of 4 slots: a string only collides with others of its bucket (a few hundred names fit). */
const BUCKETS = 512;
const WAYS = 4;
const SLOTS = BUCKETS * WAYS;
/** Longer strings (ids, messages, URLs) are rarely repeated: not cached. */
export const CACHEABLE_LENGTH = 64;
const strings: (string | undefined)[] = new Array(SLOTS).fill(undefined);
const bytes = new Uint8Array(SLOTS * CACHEABLE_LENGTH);
const lengths = new Int32Array(SLOTS).fill(-1);
/** Per bucket, the slot to replace next (round robin). */
const nextVictim = new Uint8Array(BUCKETS);

/** The hash the cache is keyed by, one byte at a time: `hash = (hash * 31 + byte) | 0` from 0. */
export function hashStep(hash: number, byte: number): number {
  return (hash * 31 + byte) | 0;
}

/**
 * The string for `b[start..end)`, decoded by `decode` on a miss, where `hash`
 * is {@link hashStep} over those bytes. Every caller must decode the same bytes
 * to the same string (the cache is shared).
 */
export function cachedString(
  b: Buffer,
  start: number,
  end: number,
  hash: number,
  decode: (b: Buffer, start: number, end: number) => string,
): string {
  const length = end - start;
  if (length > CACHEABLE_LENGTH) return decode(b, start, end);
  const bucket = (hash ^ (hash >>> 9) ^ length) & (BUCKETS - 1);
  const first = bucket * WAYS;
  for (let slot = first; slot < first + WAYS; slot++) {
    if (lengths[slot] !== length) continue;
    const base = slot * CACHEABLE_LENGTH;
    let k = 0;
    while (k < length && bytes[base + k] === b[start + k]) k++;
    if (k === length) return strings[slot] as string;
  }
  const way = nextVictim[bucket] as number;
  nextVictim[bucket] = (way + 1) % WAYS;
  const slot = first + way;
  const s = internalized(decode(b, start, end));
  strings[slot] = s;
  lengths[slot] = length;
  bytes.set(b.subarray(start, end), slot * CACHEABLE_LENGTH);
  return s;
}

/**
 * Latin-1 decoding of a slice, for ASCII bytes only: there it equals UTF-8,
 * and the cache is shared with readers that decode UTF-8.
 */
export function latin1(b: Buffer, start: number, end: number): string {
  return b.latin1Slice(start, end);
}

/** UTF-8 decoding of a slice (invalid sequences become U+FFFD, as in `toString`). */
export function utf8(b: Buffer, start: number, end: number): string {
  return b.utf8Slice(start, end);
}

/** The internalized copy of `s`: property names are, so a key set from it is found by pointer. */
function internalized(s: string): string {
  const holder: Record<string, null> = { [s]: null };
  for (const key in holder) return key;
  return s;
}

declare global {
  interface Buffer {
    /** Node's internal fast slice decoders (present since Node 0.x, used by `toString`). */
    latin1Slice(start: number, end: number): string;
    utf8Slice(start: number, end: number): string;
  }
}
