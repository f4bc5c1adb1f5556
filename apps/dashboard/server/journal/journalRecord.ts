import { crc32 } from 'node:zlib';

/**
 * One acknowledged OTLP request in the ingest journal, as it is laid out on
 * disk: a 16-byte header, then the request body as decoded from the wire
 * (after gunzip), so replay runs it through the same decoders.
 *
 *   0  u32  MAGIC
 *   4  u32  body length
 *   8  u32  CRC-32 of bytes 0–7 and 12–19 (the header)
 *  12  u8   signal (0 traces, 1 metrics)
 *  13  u8   encoding (0 json, 1 protobuf)
 *  14  u16  reserved (0)
 *  16  u32  segment number (low 32 bits)
 *  20       body
 *
 * Segment files are reused (overwriting pages already in the page cache
 * costs a third of growing a file), so a file may hold records of an earlier
 * use after the current ones: those carry another segment number, and the
 * reader stops at the first of them.
 *
 * A process killed mid-append leaves a short last record; the reader stops
 * there (see {@link readRecords}). The body has no checksum: the journal
 * promises to survive the process dying (writes are in the page cache, and
 * appends are serialized, so a file never has a hole), not a disk or power
 * failure; a CRC of the body cost ≈ 140 µs per MiB on the request path.
 */

export type JournalSignal = 'traces' | 'metrics';
export type JournalEncoding = 'json' | 'protobuf';

export interface JournalRecord {
  signal: JournalSignal;
  encoding: JournalEncoding;
  body: Buffer;
}

export const HEADER_BYTES = 20;
const MAGIC = 0x464c_4a31; // "FLJ1"
/** Larger than any body the server accepts (512 MiB limit), so a garbage length is caught before allocating. */
const MAX_BODY_BYTES = 512 * 1024 * 1024;

/** The header of a record whose body is `body` (written together with one writev). */
export function encodeHeader(segment: number, signal: JournalSignal, encoding: JournalEncoding, body: Buffer): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(body.length, 4);
  header.writeUInt8(signal === 'traces' ? 0 : 1, 12);
  header.writeUInt8(encoding === 'json' ? 0 : 1, 13);
  header.writeUInt16LE(0, 14);
  header.writeUInt32LE(segment >>> 0, 16);
  header.writeUInt32LE(headerChecksum(header), 8);
  return header;
}

function headerChecksum(header: Buffer): number {
  return crc32(header.subarray(12, HEADER_BYTES), crc32(header.subarray(0, 8)));
}

export interface ReadResult {
  records: JournalRecord[];
  /** Why reading stopped before the end, if it did. */
  stoppedBecause: string | null;
}

/**
 * Every whole record of segment `segment`'s bytes, in order. Reading ends
 * quietly where the records end (no record marker, or a record of an earlier
 * use of the file) and with a reason where one was cut short or damaged.
 */
export function readRecords(bytes: Buffer, segment: number): ReadResult {
  const records: JournalRecord[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const end = recordEnd(bytes, offset, segment >>> 0);
    if (end !== null) return { records, stoppedBecause: end || null };
    const length = bytes.readUInt32LE(offset + 4);
    records.push({
      signal: bytes[offset + 12] === 0 ? 'traces' : 'metrics',
      encoding: bytes[offset + 13] === 0 ? 'json' : 'protobuf',
      body: bytes.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length),
    });
    offset += HEADER_BYTES + length;
  }
  return { records, stoppedBecause: null };
}

/** null: a whole record of this segment starts at `offset`; '': the records end here; else why reading stops. */
function recordEnd(bytes: Buffer, offset: number, segment: number): string | null {
  if (bytes.length - offset < HEADER_BYTES) return `a partial header at byte ${offset}`;
  const header = bytes.subarray(offset, offset + HEADER_BYTES);
  if (header.readUInt32LE(0) !== MAGIC) return '';
  if (headerChecksum(header) !== header.readUInt32LE(8)) return `a header checksum mismatch at byte ${offset}`;
  if (header.readUInt32LE(16) !== segment) return '';
  const length = header.readUInt32LE(4);
  if (length > MAX_BODY_BYTES) return `an impossible length at byte ${offset}`;
  if (header[12]! > 1 || header[13]! > 1) return `an unknown record kind at byte ${offset}`;
  if (bytes.length - offset - HEADER_BYTES < length) return `a partial record at byte ${offset}`;
  return null;
}
