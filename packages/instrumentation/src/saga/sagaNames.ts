/**
 * Saga-only names that the shared contract table (telemetry/names.ts) does not
 * carry yet: span names and step status values. Kept in one place so they can
 * move into names.ts unchanged.
 */

/** Root span of one saga run. */
export function sagaSpanName(sagaName: string): string {
  return `saga ${sagaName}`;
}

/** Span of one action or compensation. */
export function sagaStepSpanName(stepName: string, kind: SagaStepKind): string {
  return kind === 'compensation' ? `compensate ${stepName}` : `step ${stepName}`;
}

/** Values of `resilience.saga.step.status`. */
export const SAGA_STEP_STATUS = { COMPLETED: 'completed', FAILED: 'failed' } as const;
export type SagaStepStatus = (typeof SAGA_STEP_STATUS)[keyof typeof SAGA_STEP_STATUS];

export type SagaStepKind = 'action' | 'compensation';
export type SagaStatus = 'completed' | 'compensated' | 'failed';
