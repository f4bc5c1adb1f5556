import type { JournalCheckpoint } from '../journal/ingestJournal';
import type { Statement } from './rollupSql';

/**
 * The statement that records how far an ingest journal is reflected in the
 * rollups; it runs in the same transaction as the rollup upserts it covers
 * (`?` placeholders, passed through the store's dialect like rollupSql's).
 */
export function checkpointStatement(checkpoint: JournalCheckpoint, nowMs: number): Statement {
  return {
    sql:
      'INSERT INTO "IngestCheckpoint" ("journalId","segment","updatedAtMs") VALUES (?,?,?) ' +
      'ON CONFLICT ("journalId") DO UPDATE SET "segment" = excluded."segment", "updatedAtMs" = excluded."updatedAtMs"',
    params: [checkpoint.journalId, checkpoint.segment, nowMs],
  };
}
