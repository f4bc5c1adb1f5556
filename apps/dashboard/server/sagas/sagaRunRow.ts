/**
 * The stored form of a saga run and how a newly assembled record merges into
 * what is already stored.
 *
 * The assembler always reports a run whole while it holds it, so normally the
 * incoming record simply wins. It can report a *partial* run, though: after a
 * restart (or once a finished run was evicted from memory) a late step span
 * opens a fresh run with the same id, no root and one step. That record must
 * not turn a stored `compensated` run back into `running`, shorten its
 * services or move its start: a run that has ended stays ended.
 */
import { FINAL_SAGA_STATUSES, type SagaRunSummary, type SagaStatus } from './sagaApiTypes';
import type { SagaRunRecord } from './sagaRunRecord';

export interface SagaRunRow {
  id: string;
  name: string;
  service: string;
  status: SagaStatus;
  startedAtMs: number;
  endedAtMs: number | null;
  traceId: string | null;
  failedStep: string | null;
  error: string | null;
  services: string[];
}

const FINAL = new Set<string>(FINAL_SAGA_STATUSES);

export function isFinalStatus(status: string): boolean {
  return FINAL.has(status);
}

export function runRowFromRecord(record: SagaRunRecord): SagaRunRow {
  const failed = record.steps.find((s) => s.kind === 'action' && s.status === 'failed');
  return {
    id: record.id,
    name: record.name,
    service: record.services[0] ?? '',
    status: record.status,
    startedAtMs: Math.round(record.startedAt),
    endedAtMs: record.endedAt === null ? null : Math.round(record.endedAt),
    traceId: record.traceId === '' ? null : record.traceId,
    failedStep: failed?.name ?? null,
    error: failed?.error ?? null,
    services: record.services,
  };
}

function union(first: readonly string[], second: readonly string[]): string[] {
  return [...new Set([...first, ...second])];
}

/** What to store when `incoming` arrives for a run already stored as `stored`. */
export function mergeRunRows(stored: SagaRunRow | undefined, incoming: SagaRunRow): SagaRunRow {
  if (!stored) return incoming;
  const startedAtMs = Math.min(stored.startedAtMs, incoming.startedAtMs);
  const name = incoming.name || stored.name;
  if (isFinalStatus(incoming.status) || !isFinalStatus(stored.status)) {
    // The incoming record is the fuller one (it has the root, or neither has).
    const status: SagaStatus =
      !isFinalStatus(incoming.status) && (stored.status === 'stuck' || incoming.status === 'stuck')
        ? 'stuck'
        : incoming.status;
    return {
      ...incoming,
      name,
      status,
      startedAtMs,
      traceId: incoming.traceId ?? stored.traceId,
      failedStep: incoming.failedStep ?? stored.failedStep,
      error: incoming.failedStep ? incoming.error : stored.error,
      services: union(incoming.services, stored.services),
    };
  }
  // Stored has ended, incoming is a partial report of the same run.
  return {
    ...stored,
    name,
    startedAtMs,
    failedStep: stored.failedStep ?? incoming.failedStep,
    error: stored.failedStep ? stored.error : incoming.error,
    services: union(stored.services, incoming.services),
  };
}

export function summaryOf(row: SagaRunRow): SagaRunSummary {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    service: row.service,
    services: row.services,
    startedAt: row.startedAtMs,
    endedAt: row.endedAtMs,
    durationMs: row.endedAtMs === null ? null : row.endedAtMs - row.startedAtMs,
    traceId: row.traceId,
    failedStep: row.failedStep,
    error: row.error,
  };
}
