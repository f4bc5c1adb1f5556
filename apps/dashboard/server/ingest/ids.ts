/** Trace / span ids: lower-case hex out, whatever the wire form was. */

const HEX_BYTE: string[] = [];
for (let i = 0; i < 256; i++) HEX_BYTE.push(i.toString(16).padStart(2, '0'));

/** Lower-case hex of `bytes[start, end)`. */
export function bytesToHex(bytes: Uint8Array, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) out += HEX_BYTE[bytes[i]!]!;
  return out;
}

const ZEROS = '0'.repeat(32);
/** Marker returned by plainHexId for an all-zero id (not a valid id value: not hex). */
const ALL_ZEROS = '!';

/**
 * `value` when it is exactly `hexLength` hex characters (any case), lower-cased;
 * `ALL_ZEROS` when they are all zeros; null otherwise. One pass over the char codes.
 */
function plainHexId(value: string, hexLength: number): string | null {
  if (value.length !== hexLength) return null;
  let upper = false;
  let nonZero = false;
  for (let i = 0; i < hexLength; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (c !== 48) nonZero = true;
    } else if (c >= 97 && c <= 102) nonZero = true;
    else if (c >= 65 && c <= 70) {
      nonZero = true;
      upper = true;
    } else return null;
  }
  if (!nonZero) return ALL_ZEROS;
  return upper ? value.toLowerCase() : value;
}

/**
 * A hex id of `hexLength` characters, lower-cased, or null when `value` is not
 * one (invalid, all zeros, or base64: see normalizeHexId). The allocation-free
 * fast path of the decoders.
 */
export function fastHexId(value: string, hexLength: number): string | null {
  const id = plainHexId(value, hexLength);
  return id === ALL_ZEROS ? null : id;
}

/**
 * A hex id of `hexLength` characters, lower-cased; also accepts the base64
 * form some older exporters sent. Returns an error reason instead when invalid.
 */
export function normalizeHexId(value: string, hexLength: number): { id: string } | { error: string } {
  const plain = plainHexId(value, hexLength);
  if (plain !== null) {
    if (plain === ALL_ZEROS) return { error: 'must not be all zeros' };
    return { id: plain };
  }
  const bytes = hexLength / 2;
  if (value.length === Math.ceil(bytes / 3) * 4 && /^[A-Za-z0-9+/]+=*$/.test(value)) {
    const buf = Buffer.from(value, 'base64');
    if (buf.length === bytes) {
      const id = bytesToHex(buf, 0, buf.length);
      return id === ZEROS.slice(0, hexLength) ? { error: 'must not be all zeros' } : { id };
    }
  }
  return { error: `expected ${hexLength} hex characters` };
}

/** True when every byte of `bytes[start, end)` is zero. */
export function allZero(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}
