import { crc32 } from 'node:zlib';

/**
 * One acknowledged OTLP request in the ingest journal, as it is laid out on
 * disk: a 16-byte header, then the request body as decoded from the wire
 * (after gunzip), so replay runs it through the same decoders.
 *
 *   0  u32  MAGIC
 *   4  u32  body length
 *   8  u32  CRC-32 of bytes 12… (kind bytes and body)
 *  12  u8   signal (0 traces, 1 metrics)
 *  13  u8   encoding (0 json, 1 protobuf)
 *  14  u16  reserved (0)
 *  16       body
 *
 * A process killed mid-append leaves a short or corrupt last record; the
 * reader stops there (see {@link readRecords}).
 */

export type JournalSignal = 'traces' | 'metrics';
export type JournalEncoding = 'json' | 'protobuf';

export interface JournalRecord {
  signal: JournalSignal;
  encoding: JournalEncoding;
  body: Buffer;
}

export const HEADER_BYTES = 16;
const MAGIC = 0x464c_4a31; // "FLJ1"
/** Larger than any body the server accepts (512 MiB limit), so a garbage length is caught before allocating. */
const MAX_BODY_BYTES = 512 * 1024 * 1024;

/** The header of a record whose body is `body` (written together with one writev). */
export function encodeHeader(signal: JournalSignal, encoding: JournalEncoding, body: Buffer): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(body.length, 4);
  header.writeUInt8(signal === 'traces' ? 0 : 1, 12);
  header.writeUInt8(encoding === 'json' ? 0 : 1, 13);
  header.writeUInt16LE(0, 14);
  header.writeUInt32LE(crc32(body, crc32(header.subarray(12, 16))), 8);
  return header;
}

export interface ReadResult {
  records: JournalRecord[];
  /** Bytes of whole, valid records from the start; anything after is a torn or corrupt tail. */
  validBytes: number;
  /** Why reading stopped before the end, if it did. */
  stoppedBecause: string | null;
}

/** Every whole record of a segment's bytes, in order, up to the first torn or corrupt one. */
export function readRecords(bytes: Buffer): ReadResult {
  const records: JournalRecord[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const problem = recordProblem(bytes, offset);
    if (problem !== null) return { records, validBytes: offset, stoppedBecause: problem };
    const length = bytes.readUInt32LE(offset + 4);
    records.push({
      signal: bytes[offset + 12] === 0 ? 'traces' : 'metrics',
      encoding: bytes[offset + 13] === 0 ? 'json' : 'protobuf',
      body: bytes.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length),
    });
    offset += HEADER_BYTES + length;
  }
  return { records, validBytes: offset, stoppedBecause: null };
}

function recordProblem(bytes: Buffer, offset: number): string | null {
  if (bytes.length - offset < HEADER_BYTES) return `a partial header at byte ${offset}`;
  if (bytes.readUInt32LE(offset) !== MAGIC) return `no record marker at byte ${offset}`;
  const length = bytes.readUInt32LE(offset + 4);
  if (length > MAX_BODY_BYTES) return `an impossible length at byte ${offset}`;
  if (bytes.length - offset - HEADER_BYTES < length) return `a partial record at byte ${offset}`;
  const kinds = bytes.subarray(offset + 12, offset + 16);
  if (kinds[0]! > 1 || kinds[1]! > 1) return `an unknown record kind at byte ${offset}`;
  const body = bytes.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length);
  if (crc32(body, crc32(kinds)) !== bytes.readUInt32LE(offset + 8)) return `a checksum mismatch at byte ${offset}`;
  return null;
}
