/**
 * Recognises the saga spans among ingested spans (DESIGN.md, saga part of the
 * telemetry contract) and reads them into plain values.
 */
import type { IngestSpan } from '../ingest/telemetry';
import { ATTR, SAGA_STATUS, SAGA_STEP_KIND } from '../model/contract';
import type { SagaStepRecord } from './sagaRunRecord';

export type FinalSagaStatus = (typeof SAGA_STATUS)[keyof typeof SAGA_STATUS];
const FINAL_STATUSES = new Set<string>(Object.values(SAGA_STATUS));
const STATUS_ERROR = 2;

export interface SagaRootSpan {
  type: 'root';
  sagaId: string;
  sagaName: string;
  /** null when the reporter did not set a valid `resilience.saga.status`; derived from the steps then. */
  status: FinalSagaStatus | null;
  traceId: string;
  service: string;
  startedAt: number;
  endedAt: number;
}

export interface SagaStepSpan {
  type: 'step';
  sagaId: string;
  /** From baggage on remote steps; may be absent. */
  sagaName: string | null;
  traceId: string;
  step: SagaStepRecord;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function stepError(span: IngestSpan): string | undefined {
  if (span.statusMessage) return span.statusMessage;
  const exception = span.events.findLast((event) => event.name === 'exception');
  const message = exception?.attributes['exception.message'];
  return typeof message === 'string' ? message : undefined;
}

/**
 * A root span carries the saga id and name and no step name, and either a
 * saga status or the `saga {name}` span name. Spans that merely copy the
 * saga baggage into their attributes (a baggage span processor) are neither
 * roots nor steps and are ignored.
 */
export function readSagaSpan(span: IngestSpan): SagaRootSpan | SagaStepSpan | null {
  const attrs = span.attributes;
  const sagaId = text(attrs[ATTR.SAGA_ID]);
  if (sagaId === null) return null;
  const sagaName = text(attrs[ATTR.SAGA_NAME]);
  const stepName = text(attrs[ATTR.SAGA_STEP_NAME]);
  if (stepName === null) {
    const rawStatus = text(attrs[ATTR.SAGA_STATUS]);
    if (sagaName === null || (rawStatus === null && span.name !== `saga ${sagaName}`)) return null;
    return {
      type: 'root',
      sagaId,
      sagaName,
      status: rawStatus !== null && FINAL_STATUSES.has(rawStatus) ? (rawStatus as FinalSagaStatus) : null,
      traceId: span.traceId,
      service: span.resource.service,
      startedAt: span.startTimeMs,
      endedAt: span.endTimeMs,
    };
  }
  const index = attrs[ATTR.SAGA_STEP_INDEX];
  const status = text(attrs[ATTR.SAGA_STEP_STATUS]) ?? (span.statusCode === STATUS_ERROR ? 'failed' : 'completed');
  const step: SagaStepRecord = {
    name: stepName,
    index: typeof index === 'number' && Number.isInteger(index) ? index : null,
    kind: attrs[ATTR.SAGA_STEP_KIND] === SAGA_STEP_KIND.COMPENSATION ? 'compensation' : 'action',
    service: span.resource.service,
    status,
    startedAt: span.startTimeMs,
    endedAt: span.endTimeMs,
    spanId: span.spanId,
  };
  if (status === 'failed' || span.statusCode === STATUS_ERROR) {
    const error = stepError(span);
    if (error !== undefined) step.error = error;
  }
  return { type: 'step', sagaId, sagaName, traceId: span.traceId, step };
}
