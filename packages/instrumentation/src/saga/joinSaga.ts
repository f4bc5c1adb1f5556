/**
 * Choreography: a service executing a step of a saga it did not start. The
 * orchestrator puts the saga id and name into baggage; with a W3C baggage
 * propagator configured (the OTel Node SDK default) they reach this service,
 * and the step spans started here carry `resilience.saga.id` so the dashboard
 * joins them to the same run.
 */
import { type Context, context, propagation, type Span } from '@opentelemetry/api';
import { ATTR } from '../telemetry/names.js';
import type { SagaStepKind } from './sagaNames.js';
import { joinedStepTelemetry, type StepTelemetry, type TelemetryProviders } from './sagaTelemetry.js';

/** The saga id in the context's baggage (default: the active context), if any. */
export function currentSagaId(ctx: Context = context.active()): string | undefined {
  return propagation.getBaggage(ctx)?.getEntry(ATTR.SAGA_ID)?.value;
}

/** The saga name in the context's baggage, if any. */
export function currentSagaName(ctx: Context = context.active()): string | undefined {
  return propagation.getBaggage(ctx)?.getEntry(ATTR.SAGA_NAME)?.value;
}

export interface JoinSagaOptions extends TelemetryProviders {
  /** Default 'action'. */
  kind?: SagaStepKind;
  /** Position of the step in the saga, when this service knows it. */
  index?: number;
  /** Where to read the baggage from and parent the span on. Default: the active context. */
  context?: Context;
}

function startJoinedStep(stepName: string, options: JoinSagaOptions): StepTelemetry | undefined {
  const parent = options.context ?? context.active();
  const sagaId = currentSagaId(parent);
  if (sagaId === undefined) return undefined;
  return joinedStepTelemetry(
    { sagaId, sagaName: currentSagaName(parent), stepName, index: options.index, kind: options.kind ?? 'action' },
    options,
    parent,
  );
}

/**
 * Runs `work` as a step of the saga found in the context's baggage: inside a
 * step span carrying the saga id, ended `completed` or `failed` (and the
 * `resilience.saga.step.duration` metric recorded). Outside any saga it just
 * runs `work`. Errors of `work` are rethrown unchanged.
 */
export async function joinSaga<T>(
  stepName: string,
  work: () => T | PromiseLike<T>,
  options: JoinSagaOptions = {},
): Promise<Awaited<T>> {
  const step = startJoinedStep(stepName, options);
  if (!step) return await work();
  try {
    const value = await context.with(step.context, work);
    step.end(false);
    return value;
  } catch (error) {
    step.end(true, error);
    throw error;
  }
}

/**
 * Lower level than joinSaga: starts the step span and leaves it to the caller
 * (set `resilience.saga.step.status`, end it). Undefined outside any saga.
 * No step-duration metric is recorded for spans started this way.
 */
export function sagaStepSpan(stepName: string, options: JoinSagaOptions = {}): Span | undefined {
  return startJoinedStep(stepName, options)?.span;
}
