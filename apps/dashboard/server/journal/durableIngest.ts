import { resolveDecodeLimits } from '../ingest/decodeContext';
import { decodeOtlp } from '../ingest/decodeOtlp';
import type { MetricBatch, TraceBatch } from '../ingest/telemetry';
import { IngestJournal, type JournalCheckpoint } from './ingestJournal';
import type { JournalEncoding, JournalSignal } from './journalRecord';

/** How long a saga pipeline that cannot write may hold journal segments back. */
export const SAGA_HOLD_LIMIT_MS = 5 * 60_000;

/** Where an acknowledged batch goes; `rollups: false` feeds only the saga pipeline (see replay). */
export type ApplyBatch = (signal: JournalSignal, batch: TraceBatch | MetricBatch, rollups: boolean) => void;

/** What the journal needs from the store: its committed checkpoint. */
export interface CheckpointStore {
  readCheckpoint(journalId: string): Promise<number>;
  committedSegment(journalId: string): number;
}

export interface ReplaySummary {
  /** Requests whose effect the database lacked: re-applied to the model and the saga pipeline. */
  replayed: number;
  /** Requests already in the rollups: fed to the saga pipeline only (its writes merge, so repeats are harmless). */
  sagasOnly: number;
  /** Records that no longer decode or apply (none, unless the decoders' limits shrank or applying them fails). */
  undecodable: number;
}

/**
 * The server's side of the ingest journal: requests are journaled before
 * they are acknowledged, segments are sealed when the model's changes go to
 * the store (whose transaction commits the checkpoint), and deleted once
 * both the rollups and the saga runs they fed are in the database.
 *
 *   const durable = await DurableIngest.open(dir, store, apply)  // replays what a crash left
 *   accept:   const written = durable.append(signal, encoding, body); false → 503, else 200 once it resolves
 *   persist:  store.enqueue(model.drainDirty(), durable.sealForDrain()); durable.releaseDurable()
 *   sagas:    sagas.tick(now, durable.sagaTickStarting())
 */
export class DurableIngest {
  /** Highest segment whose spans the saga pipeline has written. */
  private sagasWrittenThrough = 0;
  /** When the saga pipeline last wrote everything it had (or the journal opened). */
  private sagasWrittenAt: number;
  private sagasStuckWarned = false;

  private constructor(
    private readonly journal: IngestJournal,
    private readonly store: CheckpointStore,
    readonly replay: ReplaySummary,
    private readonly warn: (message: string) => void,
    private readonly clock: () => number,
  ) {
    this.sagasWrittenAt = clock();
  }

  /** Opens the journal in `dir` and re-applies what the database lacks. */
  static async open(
    dir: string,
    store: CheckpointStore,
    apply: ApplyBatch,
    warn: (message: string) => void = (m) => console.warn(`[faultline] ${m}`),
    clock: () => number = Date.now,
  ): Promise<DurableIngest> {
    const journal = IngestJournal.open(dir, { warn });
    try {
      const checkpoint = await store.readCheckpoint(journal.id);
      const limits = resolveDecodeLimits();
      const summary: ReplaySummary = { replayed: 0, sagasOnly: 0, undecodable: 0 };
      for (const record of journal.replay()) {
        let batch: TraceBatch | MetricBatch;
        try {
          batch = decodeOtlp(record.signal, record.encoding, record.body, limits);
        } catch (error) {
          summary.undecodable++;
          warn(`ingest journal: a ${record.signal} record no longer decodes (${(error as Error).message}); skipped`);
          continue;
        }
        const rollups = record.segment > checkpoint;
        if (!rollups && record.signal === 'metrics') continue;
        try {
          apply(record.signal, batch, rollups);
        } catch (error) {
          // The request failed the same way when it came in (a 500, so its sender retried): starting matters more.
          summary.undecodable++;
          warn(`ingest journal: re-applying a ${record.signal} record failed (${(error as Error).message}); skipped`);
          continue;
        }
        if (rollups) summary.replayed++;
        else summary.sagasOnly++;
      }
      journal.startAfter(checkpoint);
      return new DurableIngest(journal, store, summary, warn, clock);
    } catch (error) {
      await journal.close();
      throw error;
    }
  }

  get id(): string {
    return this.journal.id;
  }

  /** Bytes waiting in the journal (for /api/health). */
  get bytes(): number {
    return this.journal.bytes;
  }

  /**
   * Journals an accepted request: acknowledge it once the promise resolves.
   * false: the journal is full, do not acknowledge (503).
   */
  append(signal: JournalSignal, encoding: JournalEncoding, body: Buffer): Promise<void> | false {
    return this.journal.append(signal, encoding, body);
  }

  /**
   * Call right before draining the model's changes for the store: every
   * request journaled so far is in those changes, so the returned
   * checkpoint goes with them.
   */
  sealForDrain(): JournalCheckpoint {
    return { journalId: this.journal.id, segment: this.journal.seal() };
  }

  /** Call right before a saga tick; pass the result as the tick's `onAllWritten`. */
  sagaTickStarting(): () => void {
    const through = this.journal.sealedThrough;
    return () => {
      this.sagasWrittenThrough = Math.max(this.sagasWrittenThrough, through);
      this.sagasWrittenAt = this.clock();
      this.sagasStuckWarned = false;
    };
  }

  /**
   * Deletes the segments both the rollups and the saga runs now hold. A saga
   * pipeline that has not written everything for {@link SAGA_HOLD_LIMIT_MS}
   * (a database rejecting its writes) stops holding segments back: otherwise
   * the journal would fill and all ingest would be refused for the sake of
   * saga runs.
   */
  releaseDurable(): void {
    const committed = this.store.committedSegment(this.journal.id);
    const sagasStuck = this.clock() - this.sagasWrittenAt > SAGA_HOLD_LIMIT_MS;
    if (sagasStuck && !this.sagasStuckWarned) {
      this.sagasStuckWarned = true;
      this.warn(
        `ingest journal: saga runs have not been written for ${SAGA_HOLD_LIMIT_MS / 60_000} min; ` +
          'releasing segments once their rollups are stored (saga runs of a crash meanwhile are lost)',
      );
    }
    this.journal.release(sagasStuck ? committed : Math.min(committed, this.sagasWrittenThrough));
  }

  /** After the final flushes of shutdown: releases what they made durable and gives the directory up. */
  async close(): Promise<void> {
    await this.journal.sealedWritten();
    this.releaseDurable();
    await this.journal.close();
  }
}
