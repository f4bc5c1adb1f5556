export { SagaAssembler, type SagaAssemblerOptions, type SagaAssemblerStats } from './sagaAssembler';
export type { SagaRunRecord, SagaRunStatus, SagaStepKind, SagaStepRecord } from './sagaRunRecord';
export { type SagaStatsRow, sagaStats } from './sagaStats';
export { readSagaSpan } from './spanToSaga';
