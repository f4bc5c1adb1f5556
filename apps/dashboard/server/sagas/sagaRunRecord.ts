/**
 * A saga run as the dashboard shows and stores it (issue 5, `GET /api/sagas/:id`).
 * Times are epoch milliseconds.
 */
import type { SagaStatus, SagaStepView } from './sagaApiTypes';

export type SagaRunStatus = SagaStatus;
export type SagaStepKind = SagaStepView['kind'];
/** A step as stored and as the API returns it. */
export type SagaStepRecord = SagaStepView;

export interface SagaRunRecord {
  id: string;
  /** Empty until a span naming the saga has arrived. */
  name: string;
  status: SagaRunStatus;
  startedAt: number;
  /** null while running (or stuck). */
  endedAt: number | null;
  /** The root span's trace, else the earliest step's. */
  traceId: string;
  /** Services that took part, in order of their first span (the orchestrator first). */
  services: string[];
  /** Sorted by start time. */
  steps: SagaStepRecord[];
}
