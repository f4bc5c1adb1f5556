/** Trace / span ids: lower-case hex out, whatever the wire form was. */

const HEX_BYTE: string[] = [];
for (let i = 0; i < 256; i++) HEX_BYTE.push(i.toString(16).padStart(2, '0'));

/** Lower-case hex of `bytes[start, end)`. */
export function bytesToHex(bytes: Uint8Array, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) out += HEX_BYTE[bytes[i]!]!;
  return out;
}

const HEX_RE = /^[0-9a-fA-F]*$/;
const ZEROS = '0'.repeat(32);

/**
 * A hex id of `hexLength` characters, lower-cased; also accepts the base64
 * form some older exporters sent. Returns an error reason instead when invalid.
 */
export function normalizeHexId(value: string, hexLength: number): { id: string } | { error: string } {
  if (value.length === hexLength && HEX_RE.test(value)) {
    if (value === ZEROS.slice(0, hexLength)) return { error: 'must not be all zeros' };
    return { id: value.toLowerCase() };
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
