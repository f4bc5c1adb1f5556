import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { Clock } from '../clock.js';
import type { SagaStatus } from './sagaNames.js';

/** What every action and compensation receives. */
export interface SagaStepContext<TInput> {
  /** The value given to `run`. */
  readonly input: TInput;
  /** Results of the steps completed so far, by step name. */
  readonly results: Readonly<Record<string, unknown>>;
  /**
   * Aborted when the step overruns its deadline (reason: the package's TimeoutError)
   * or, for actions only, when the run's outer signal aborts (reason: that signal's reason).
   */
  readonly signal: AbortSignal;
  readonly sagaId: string;
  readonly sagaName: string;
}

/** A compensation additionally sees what it undoes and why. */
export interface SagaCompensationContext<TInput> extends SagaStepContext<TInput> {
  /** What this step's action returned. */
  readonly result: unknown;
  /** Why the saga is being undone: the failing action's error or the abort reason. */
  readonly cause: unknown;
  /** 1 for the first try, 2 for the first retry, … */
  readonly attempt: number;
}

export interface SagaStep<TInput> {
  /** Unique within the saga; also the key of this step's result in `results`. */
  name: string;
  action: (ctx: SagaStepContext<TInput>) => unknown;
  /** Undoes the action. Steps without one (e.g. a final notification) are skipped when undoing. */
  compensate?: (ctx: SagaCompensationContext<TInput>) => unknown;
  /** Overrides the saga's `stepTimeoutMs` for this step's action and each compensation attempt. */
  timeoutMs?: number;
}

export interface SagaOptions {
  /** Deadline of each action and of each compensation attempt, in ms. Default: none. */
  stepTimeoutMs?: number;
  /** Retries of a failing compensation after the first try. Default 3. */
  compensationRetries?: number;
  /** Wait before the first retry of a compensation, doubling on each further retry (capped at 30 s). Default 100 ms. */
  compensationBackoffMs?: number;
  /** Saga id generator. Default: `crypto.randomUUID()`. */
  idGenerator?: () => string;
  /** Time source of the step deadlines (tests). Default: `performance.now()`. */
  clock?: Clock;
  /** Default: the global tracer provider. */
  tracerProvider?: TracerProvider;
  /** Default: the global meter provider. */
  meterProvider?: MeterProvider;
}

export interface SagaRunOptions {
  /** Aborting it stops the saga after the running step and undoes the completed steps. */
  signal?: AbortSignal;
  /** Use this id instead of generating one (e.g. an order id, for idempotent retries of the whole saga). */
  sagaId?: string;
}

export interface SagaRun<TResult = unknown> {
  sagaId: string;
  /** completed: all steps ran; compensated: a step failed and every completed step was undone; failed: a compensation failed even after retries. */
  status: SagaStatus;
  /** The last step's result, when completed. */
  result?: TResult;
  /** Every completed step's result by step name (also the undone ones). */
  results: Readonly<Record<string, unknown>>;
  /** The failing action's error or the abort reason. */
  error?: unknown;
  /** The action that failed (absent when the saga was aborted between steps). */
  failedStep?: string;
  /** Only when failed: compensations still owed, in the order they must run (the failed one first). Operators act on this. */
  undoneCompensations?: string[];
}

export interface Saga<TInput, TResult = unknown> {
  readonly name: string;
  run(input: TInput, options?: SagaRunOptions): Promise<SagaRun<TResult>>;
}
