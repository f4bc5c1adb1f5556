export * from './sagaApiTypes';
export { SagaAssembler, type SagaAssemblerOptions, type SagaAssemblerStats } from './sagaAssembler';
export { DEFAULT_STUCK_SECONDS, SagaPipeline, type SagaPipelineOptions, stuckAfterMsFromEnv } from './sagaPipeline';
export {
  decodeCursor,
  encodeCursor,
  PrismaSagaRepository,
  type SagaListFilter,
  type SagaRepository,
  type SagaStatsQuery,
} from './sagaRepository';
export { type SagaRouteDeps, sagaRoutes } from './sagaRoutes';
export type { SagaRunRecord, SagaRunStatus, SagaStepKind, SagaStepRecord } from './sagaRunRecord';
export { type SagaStatsRow, sagaStats } from './sagaStats';
export { readSagaSpan } from './spanToSaga';
