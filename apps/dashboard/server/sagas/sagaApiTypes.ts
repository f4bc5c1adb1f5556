/**
 * The JSON of the sagas API (`/api/sagas`, `/api/sagas/:id`,
 * `/api/sagas/stats`) and of the live `saga` event. No imports, so browser
 * code may import these types too. Times are epoch milliseconds.
 */

export type SagaStatus = 'running' | 'stuck' | 'completed' | 'compensated' | 'failed';
export const SAGA_STATUSES: readonly SagaStatus[] = ['running', 'stuck', 'completed', 'compensated', 'failed'];
/** Statuses a run ends with (its root span has arrived). */
export const FINAL_SAGA_STATUSES: readonly SagaStatus[] = ['completed', 'compensated', 'failed'];

export interface SagaStepView {
  name: string;
  /** Position of the step in the saga; null when the reporting service did not know it (choreography). */
  index: number | null;
  kind: 'action' | 'compensation';
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

/** One run in the list and in the live feed. */
export interface SagaRunSummary {
  id: string;
  name: string;
  status: SagaStatus;
  /** The orchestrating service. */
  service: string;
  /** Services that took part, orchestrator first. */
  services: string[];
  startedAt: number;
  /** null while running or stuck. */
  endedAt: number | null;
  durationMs: number | null;
  traceId: string | null;
  /** The first action that failed (why the saga was undone). */
  failedStep: string | null;
  error: string | null;
}

/** `GET /api/sagas/:id`: the summary plus every step, sorted by start time. */
export interface SagaRunDetail extends SagaRunSummary {
  steps: SagaStepView[];
}

/** `GET /api/sagas`: newest first; pass `nextCursor` back as `cursor` for the next page. */
export interface SagaRunsPage {
  runs: SagaRunSummary[];
  nextCursor: string | null;
}

/** One saga type in one time bucket (runs are bucketed by start time). */
export interface SagaStatsPoint {
  name: string;
  bucketStartMs: number;
  runs: number;
  /** Running or stuck; not in the rates and percentiles. */
  unfinished: number;
  /** Share (0–1) of finished runs that had to compensate (compensated or failed). */
  compensationRate: number | null;
  /** Share (0–1) of finished runs whose compensation failed. */
  failureRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** `GET /api/sagas/stats`. */
export interface SagaStatsResponse {
  from: number;
  to: number;
  bucketMs: number;
  /** Sorted by saga name, then bucket; buckets without runs are absent. */
  points: SagaStatsPoint[];
}

/** socket.io: subscribe to this room; each changed run arrives as this event with a SagaRunSummary. */
export const SAGA_LIVE = { ROOM: 'sagas', EVENT: 'saga' } as const;
