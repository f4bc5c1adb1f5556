import { randomUUID } from 'node:crypto';
import {
  close,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlink,
  writeFileSync,
  writev,
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
  /** Problems found while reading old segments (torn tails) or writing. Default console.warn. */
  warn?: (message: string) => void;
}

/** A record read back from a segment, for replay. */
export interface ReplayedRecord extends JournalRecord {
  segment: number;
}

const SEGMENT = /^segment-(\d{12})\.log$/;
const SPARE = /^spare-(\d+)\.log$/;
/** Released segment files kept for reuse: enough for the segments sealed while a store write is under way. */
const MAX_SPARES = 3;
const ID_FILE = 'JOURNAL_ID';
const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;

const segmentName = (seq: number) => `segment-${String(seq).padStart(12, '0')}.log`;

/**
 * One segment file. Appends queue their buffers here; one `writev` at a time
 * (on libuv's thread pool) writes everything queued so far, so records land
 * in append order, a file never has a hole, and the event loop does not pay
 * for copying bodies into the page cache (≈ 1 ms per MiB on this machine).
 */
class Segment {
  fd: number | undefined = undefined;
  bytes = 0;
  /** Where the next write goes (writes are positional: a reused file is overwritten from the start). */
  private position = 0;
  /** No more appends: close once the queue is written. */
  sealed = false;
  /** File closed (or never opened): safe to delete. */
  closed = false;
  private queue: Buffer[] = [];
  private waiters: (() => void)[] = [];
  private writing = false;

  private constructor(
    readonly seq: number,
    private readonly file: string,
    private readonly warn: (message: string) => void,
    /** A released segment's file to overwrite instead of growing a new one. */
    private readonly reuse: string | undefined,
  ) {}

  /** A segment to append to; its file is created (or `reuse` renamed to it) on the first append. */
  static fresh(seq: number, file: string, warn: (message: string) => void, reuse: string | undefined): Segment {
    return new Segment(seq, file, warn, reuse);
  }

  /** A segment an earlier process left on disk: written and closed, waiting for replay and release. */
  static found(seq: number, file: string, bytes: number): Segment {
    const segment = new Segment(seq, file, () => {}, undefined);
    segment.bytes = bytes;
    segment.sealed = true;
    segment.closed = true;
    return segment;
  }

  /** Queues a record; resolves once it is in the file (or the write failed, which was reported). */
  append(header: Buffer, body: Buffer): Promise<void> {
    this.fd ??= this.open();
    this.queue.push(header, body);
    this.bytes += header.length + body.length;
    const written = new Promise<void>((resolve) => this.waiters.push(resolve));
    this.writeQueued();
    return written;
  }

  private open(): number {
    if (this.reuse === undefined) return openSync(this.file, 'wx');
    renameSync(this.reuse, this.file);
    return openSync(this.file, 'r+');
  }

  seal(): void {
    this.sealed = true;
    if (!this.writing) this.closeIfDone();
  }

  private writeQueued(): void {
    if (this.writing || this.queue.length === 0 || this.fd === undefined) return;
    this.writing = true;
    const buffers = this.queue;
    const waiters = this.waiters;
    this.queue = [];
    this.waiters = [];
    this.writeAll(buffers, (error) => {
      this.writing = false;
      if (error !== null) {
        // The file may now end in a partial record: nothing more goes into it.
        this.warn(`ingest journal ${path.basename(this.file)}: write failed (${error.message})`);
        this.sealed = true;
        waiters.push(...this.waiters);
        this.waiters = [];
        this.queue = [];
      }
      for (const resolve of waiters) resolve();
      if (this.queue.length > 0) this.writeQueued();
      else if (this.sealed) this.closeIfDone();
    });
  }

  /** `writev` until every byte is written (a regular file takes a short write only when the disk is full). */
  private writeAll(buffers: Buffer[], done: (error: Error | null) => void): void {
    writev(this.fd as number, buffers, this.position, (error, written) => {
      if (error !== null) return done(error);
      this.position += written;
      let rest = written;
      let i = 0;
      while (i < buffers.length && rest >= buffers[i]!.length) rest -= buffers[i++]!.length;
      if (i === buffers.length) return done(null);
      const remaining = [buffers[i]!.subarray(rest), ...buffers.slice(i + 1)];
      this.writeAll(remaining, done);
    });
  }

  private closeIfDone(): void {
    if (this.closed || this.queue.length > 0) return;
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) {
      this.closed = true;
      return;
    }
    close(fd, () => {
      this.closed = true;
    });
  }
}

/**
 * The ingest journal: a write-ahead log of the OTLP requests the server has
 * acknowledged but whose effect on the rollups is not yet committed to the
 * database. The server appends a request's body and answers 200 once it is
 * written, seals the current segment each time it hands the model's changes
 * to the store (whose transaction commits the checkpoint), and deletes sealed
 * segments once the store has committed a checkpoint covering them and the
 * saga pipeline has written their runs. After a crash, the segments left are
 * replayed.
 *
 * Writes are not `fsync`ed: they survive the process being killed (the data
 * is in the kernel's page cache), not a power loss — the same guarantee as
 * the SQLite store's `synchronous=NORMAL`.
 *
 * One process per directory (a lock file says which).
 */
export class IngestJournal {
  readonly id: string;
  private readonly maxBytes: number;
  private readonly warn: (message: string) => void;
  private readonly releaseLock: () => void;
  /** Segments on disk, oldest first; the last one may be open for appends. */
  private readonly segments: Segment[] = [];
  private current: Segment | undefined = undefined;
  /** Files of released segments, overwritten by the next segments (growing a file costs 3× overwriting one). */
  private readonly spares: string[] = [];
  private spareSerial = 0;
  private nextSeq: number;
  private totalBytes = 0;
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
      if (SPARE.test(name)) {
        this.spares.push(path.join(dir, name));
        this.spareSerial = Math.max(this.spareSerial, Number(SPARE.exec(name)?.[1]));
        continue;
      }
      const match = SEGMENT.exec(name);
      if (match === null) continue;
      const file = path.join(dir, name);
      const segment = Segment.found(Number(match[1]), file, statSync(file).size);
      this.segments.push(segment);
      this.totalBytes += segment.bytes;
    }
    this.nextSeq = (this.segments.at(-1)?.seq ?? 0) + 1;
  }

  /** Opens (creating if needed) the journal in `dir`; segments left by an earlier process are kept for replay. */
  static open(dir: string, options: IngestJournalOptions = {}): IngestJournal {
    return new IngestJournal(dir, options);
  }

  /** Bytes appended and not yet released (written or still queued). */
  get bytes(): number {
    return this.totalBytes;
  }

  /**
   * Every record appended before the last {@link seal} lives in a segment up
   * to this one (segments found at open count as sealed).
   */
  get sealedThrough(): number {
    return this.nextSeq - 1 - (this.current === undefined ? 0 : 1);
  }

  /**
   * Numbers new segments above `segment`, the database's checkpoint: a
   * segment number the database has already covered must never be reused,
   * or its records would be skipped by the next replay.
   */
  startAfter(segment: number): void {
    if (this.current !== undefined) throw new Error('IngestJournal.startAfter: a segment is already open');
    this.nextSeq = Math.max(this.nextSeq, segment + 1);
  }

  /**
   * The records of the segments found at open, oldest first (call it before
   * appending). A torn record (the process died mid-append) ends its
   * segment's replay, with a warning; the records before it are returned.
   */
  *replay(): Generator<ReplayedRecord> {
    for (const segment of this.segments) {
      const name = segmentName(segment.seq);
      const read = readRecords(readFileSync(path.join(this.dir, name)), segment.seq);
      if (read.stoppedBecause !== null) {
        this.warn(`ingest journal ${name}: replay stopped at ${read.stoppedBecause} (a write cut short)`);
      }
      for (const record of read.records) yield { ...record, segment: segment.seq };
    }
  }

  /**
   * Appends one request, in order with every other append. Returns false,
   * queueing nothing, when the journal is full (the store is not keeping up):
   * the server must then not acknowledge the request. Otherwise the promise
   * resolves once the record is in the file — acknowledge after it. A failed
   * write is reported through `warn` and resolves too: the request's effect
   * is in the model by then, and reaches the database with the next write.
   */
  append(signal: JournalSignal, encoding: JournalEncoding, body: Buffer): Promise<void> | false {
    if (this.closed) throw new Error('IngestJournal is closed');
    const size = HEADER_BYTES + body.length;
    if (this.totalBytes + size > this.maxBytes) return false;
    if (this.current === undefined || this.current.sealed) this.current = this.openSegment();
    this.totalBytes += size;
    return this.current.append(encodeHeader(this.current.seq, signal, encoding, body), body);
  }

  /** Ends the open segment (its queued writes still complete); returns {@link sealedThrough}. */
  seal(): number {
    this.current?.seal();
    this.current = undefined;
    return this.sealedThrough;
  }

  /** Deletes sealed segments up to `segment`, whose records the database now holds (once their file is closed). */
  release(segment: number): void {
    while (this.segments.length > 0) {
      const oldest = this.segments[0]!;
      if (oldest.seq > segment || oldest === this.current || !oldest.closed) return;
      this.segments.shift();
      this.totalBytes -= oldest.bytes;
      const file = path.join(this.dir, segmentName(oldest.seq));
      if (this.spares.length < MAX_SPARES) {
        // Kept for reuse: the next segment overwrites its pages, still in the page cache.
        const spare = path.join(this.dir, `spare-${++this.spareSerial}.log`);
        renameSync(file, spare);
        this.spares.push(spare);
        continue;
      }
      // Off the event loop: freeing a second of ingest's pages takes milliseconds.
      unlink(file, (error) => {
        if (error !== null && error.code !== 'ENOENT') {
          this.warn(`ingest journal: deleting a segment failed (${error.message})`);
        }
      });
    }
  }

  /** Resolves once every sealed segment's writes are done and its file closed (so {@link release} can take it). */
  async sealedWritten(): Promise<void> {
    while (this.segments.some((s) => s.sealed && !s.closed)) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Seals, waits for queued writes, and gives the directory up; unreleased segments stay for replay. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.seal();
    this.closed = true;
    await this.sealedWritten();
    this.releaseLock();
  }

  private openSegment(): Segment {
    const seq = this.nextSeq++;
    const segment = Segment.fresh(seq, path.join(this.dir, segmentName(seq)), this.warn, this.spares.pop());
    this.segments.push(segment);
    return segment;
  }
}
