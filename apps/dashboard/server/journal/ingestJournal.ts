import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writevSync,
} from 'node:fs';
import path from 'node:path';
import { takeJournalLock } from './journalLock';
import {
  encodeHeader,
  HEADER_BYTES,
  type JournalEncoding,
  type JournalRecord,
  type JournalSignal,
  readRecords,
} from './journalRecord';

/** Where a journal stands in the database: every segment up to `segment` is reflected in the rollups. */
export interface JournalCheckpoint {
  journalId: string;
  segment: number;
}

export interface IngestJournalOptions {
  /** Appends are refused (the server answers 503) while the journal holds this many bytes. Default 1 GiB. */
  maxBytes?: number;
  /** Problems found while reading old segments (torn tails). Default console.warn. */
  warn?: (message: string) => void;
}

/** A record read back from a segment, for replay. */
export interface ReplayedRecord extends JournalRecord {
  segment: number;
}

const SEGMENT = /^segment-(\d{12})\.log$/;
const ID_FILE = 'JOURNAL_ID';
const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;

const segmentName = (seq: number) => `segment-${String(seq).padStart(12, '0')}.log`;

/**
 * The ingest journal: a write-ahead log of the OTLP requests the server has
 * acknowledged but whose effect on the rollups is not yet committed to the
 * database. The server appends a request's body before answering 200, seals
 * the current segment each time it hands the model's changes to the store,
 * and deletes sealed segments once the store has committed a checkpoint
 * covering them (same transaction as the rollups) and the saga pipeline has
 * written their runs. After a crash, the segments left are replayed.
 *
 * Appends are plain `writev` calls without `fsync`: they survive the process
 * being killed (the data is in the kernel's page cache), not a power loss —
 * the same guarantee as the SQLite store's `synchronous=NORMAL`.
 *
 * One process per directory (a lock file says which).
 */
export class IngestJournal {
  readonly id: string;
  private readonly maxBytes: number;
  private readonly warn: (message: string) => void;
  private readonly releaseLock: () => void;
  /** Sealed segments on disk, oldest first, with their sizes. */
  private readonly sealed: { seq: number; bytes: number }[] = [];
  private fd: number | undefined = undefined;
  private openSeq = 0;
  private openBytes = 0;
  private nextSeq: number;
  private sealedBytes = 0;
  private closed = false;

  private constructor(
    readonly dir: string,
    options: IngestJournalOptions,
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.warn = options.warn ?? ((message) => console.warn(`[faultline] ${message}`));
    mkdirSync(dir, { recursive: true });
    this.releaseLock = takeJournalLock(dir);
    const idFile = path.join(dir, ID_FILE);
    if (!existsSync(idFile)) writeFileSync(idFile, `${randomUUID()}\n`);
    this.id = readFileSync(idFile, 'utf8').trim();
    for (const name of readdirSync(dir).sort()) {
      const match = SEGMENT.exec(name);
      if (match === null) continue;
      const bytes = statSync(path.join(dir, name)).size;
      this.sealed.push({ seq: Number(match[1]), bytes });
      this.sealedBytes += bytes;
    }
    this.nextSeq = (this.sealed.at(-1)?.seq ?? 0) + 1;
  }

  /** Opens (creating if needed) the journal in `dir`; segments left by an earlier process are kept for replay. */
  static open(dir: string, options: IngestJournalOptions = {}): IngestJournal {
    return new IngestJournal(dir, options);
  }

  /** Bytes on disk, sealed and open. */
  get bytes(): number {
    return this.sealedBytes + this.openBytes;
  }

  /** Segments on disk (sealed or open). */
  get segmentCount(): number {
    return this.sealed.length + (this.fd === undefined ? 0 : 1);
  }

  /**
   * Every record appended before the last {@link seal} lives in a segment up
   * to this one (segments found at open count as sealed).
   */
  get sealedThrough(): number {
    return this.nextSeq - 1 - (this.fd === undefined ? 0 : 1);
  }

  /**
   * Numbers new segments above `segment`, the database's checkpoint: a
   * segment number the database has already covered must never be reused,
   * or its records would be skipped by the next replay.
   */
  startAfter(segment: number): void {
    if (this.fd !== undefined) throw new Error('IngestJournal.startAfter: a segment is already open');
    this.nextSeq = Math.max(this.nextSeq, segment + 1);
  }

  /**
   * The records of the segments on disk, oldest first. A torn or corrupt
   * record (the process died mid-append) ends its segment's replay, with a
   * warning; the records before it are returned.
   */
  *replay(): Generator<ReplayedRecord> {
    for (const { seq } of [...this.sealed]) {
      const file = path.join(this.dir, segmentName(seq));
      const read = readRecords(readFileSync(file));
      if (read.stoppedBecause !== null) {
        this.warn(`ingest journal ${segmentName(seq)}: replay stopped at ${read.stoppedBecause} (a write cut short)`);
      }
      for (const record of read.records) yield { ...record, segment: seq };
    }
  }

  /**
   * Appends one acknowledged request. Returns false, writing nothing, when
   * the journal is full (the store is not keeping up) or the write failed:
   * the server must then not acknowledge the request.
   */
  append(signal: JournalSignal, encoding: JournalEncoding, body: Buffer): boolean {
    if (this.closed) throw new Error('IngestJournal is closed');
    const size = HEADER_BYTES + body.length;
    if (this.bytes + size > this.maxBytes) return false;
    try {
      if (this.fd === undefined) this.openSegment();
      const header = encodeHeader(signal, encoding, body);
      let written = writevSync(this.fd as number, [header, body]);
      // A regular file takes the whole write unless the disk is full; finish a short one.
      while (written < size) {
        const rest = Buffer.concat([header, body]).subarray(written);
        written += writevSync(this.fd as number, [rest]);
      }
      this.openBytes += size;
      return true;
    } catch (error) {
      // The segment may now end in a partial record: seal it, so later appends start a clean one.
      this.warn(`ingest journal: append failed (${(error as Error).message}); not acknowledging the request`);
      this.sealOpen();
      return false;
    }
  }

  /** Closes the open segment (if it holds anything); returns {@link sealedThrough}. */
  seal(): number {
    this.sealOpen();
    return this.sealedThrough;
  }

  /** Deletes sealed segments up to `segment`, whose records the database now holds. */
  release(segment: number): void {
    while (this.sealed.length > 0 && this.sealed[0]!.seq <= segment) {
      const { seq, bytes } = this.sealed.shift()!;
      try {
        unlinkSync(path.join(this.dir, segmentName(seq)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      this.sealedBytes -= bytes;
    }
  }

  /** Seals the open segment and gives the directory up; released segments are gone, the rest stay for replay. */
  close(): void {
    if (this.closed) return;
    this.sealOpen();
    this.closed = true;
    this.releaseLock();
  }

  private openSegment(): void {
    this.openSeq = this.nextSeq++;
    this.fd = openSync(path.join(this.dir, segmentName(this.openSeq)), 'wx');
    this.openBytes = 0;
  }

  private sealOpen(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    this.sealed.push({ seq: this.openSeq, bytes: this.openBytes });
    this.sealedBytes += this.openBytes;
    this.openBytes = 0;
  }
}
