export { currentSagaId, currentSagaName, type JoinSagaOptions, joinSaga, sagaStepSpan } from './joinSaga.js';
export { saga } from './saga.js';
export { SAGA_STEP_STATUS, type SagaStatus, type SagaStepKind, type SagaStepStatus } from './sagaNames.js';
export type {
  Saga,
  SagaCompensationContext,
  SagaOptions,
  SagaRun,
  SagaRunOptions,
  SagaStep,
  SagaStepContext,
} from './types.js';
