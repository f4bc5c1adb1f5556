/**
 * A saga run as the dashboard shows and stores it (issue 5, `GET /api/sagas/:id`).
 * Times are epoch milliseconds.
 */

export type SagaRunStatus = 'running' | 'completed' | 'compensated' | 'failed' | 'stuck';
export type SagaStepKind = 'action' | 'compensation';

export interface SagaStepRecord {
  name: string;
  /** Position of the step in the saga; null when the reporting service did not know it (choreography). */
  index: number | null;
  kind: SagaStepKind;
  /** `service.name` of the service that executed the step. */
  service: string;
  /** `resilience.saga.step.status` (`completed` | `failed` from @faultline/instrumentation), else derived from the span status. */
  status: string;
  startedAt: number;
  endedAt: number;
  /** Only on failed steps: the span's status message or its recorded exception. */
  error?: string;
  spanId: string;
}

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
