import { context } from '@opentelemetry/api';
import type { SagaStatus } from './sagaNames.js';
import { SagaRunTelemetry, type StepTelemetry } from './sagaTelemetry.js';
import { type StepRunner, stepRunner } from './stepRunner.js';
import type { Saga, SagaOptions, SagaRun, SagaRunOptions, SagaStep, SagaStepContext } from './types.js';

const DEFAULTS = { compensationRetries: 3, compensationBackoffMs: 100 };
/** Upper bound of one backoff wait between compensation retries. */
const MAX_BACKOFF_MS = 30_000;
/** Largest delay a timer accepts. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * An orchestrated saga: `steps` run in order; when one fails (or the run is
 * aborted) the compensations of the completed steps run in reverse order.
 *
 * A compensation that keeps failing after `compensationRetries` retries stops
 * the undo: the earlier steps are not compensated either, because reverse order
 * is the guarantee compensations are written against (releasing stock before
 * the payment is refunded could sell it twice). The run then ends `failed` with
 * `undoneCompensations` listing every compensation still owed, in order.
 */
export function saga<TInput = unknown, TResult = unknown>(
  name: string,
  steps: readonly SagaStep<TInput>[],
  options: SagaOptions = {},
): Saga<TInput, TResult> {
  validate(name, steps, options);
  const settings: Settings = { ...DEFAULTS, ...definedOnly(options) };
  // One runner per distinct deadline, built once: runs share the timeout policies.
  const byDeadline = new Map<number | undefined, StepRunner>();
  const planned: PlannedStep<TInput>[] = steps.map((step) => {
    const ms = step.timeoutMs ?? settings.stepTimeoutMs;
    let runner = byDeadline.get(ms);
    if (runner === undefined) {
      runner = stepRunner(ms, settings.clock);
      byDeadline.set(ms, runner);
    }
    return { ...step, runner };
  });
  return {
    name,
    run: (input, runOptions) => runSaga<TInput, TResult>(name, planned, settings, input, runOptions ?? {}),
  };
}

type Settings = SagaOptions & typeof DEFAULTS;

interface PlannedStep<TInput> extends SagaStep<TInput> {
  runner: StepRunner;
}

interface Failure {
  error: unknown;
  failedStep: string | undefined;
}

async function runSaga<TInput, TResult>(
  name: string,
  steps: readonly PlannedStep<TInput>[],
  settings: Settings,
  input: TInput,
  { signal, sagaId = settings.idGenerator?.() ?? globalThis.crypto.randomUUID() }: SagaRunOptions,
): Promise<SagaRun<TResult>> {
  const telemetry = new SagaRunTelemetry(name, sagaId, settings);
  const results: Record<string, unknown> = {};
  const completed: number[] = [];
  const base = { input, results, sagaId, sagaName: name };
  let failure: Failure | undefined;
  let last: unknown;

  for (const [index, step] of steps.entries()) {
    if (signal?.aborted) {
      failure = { error: signal.reason, failedStep: undefined };
      break;
    }
    const stepTelemetry = telemetry.step(step.name, index, 'action');
    try {
      last = await step.runner(
        (stepSignal) => context.with(stepTelemetry.context, () => step.action({ ...base, signal: stepSignal })),
        signal,
      );
      results[step.name] = last;
      completed.push(index);
      stepTelemetry.end(false);
    } catch (error) {
      stepTelemetry.end(true, error);
      failure = { error, failedStep: step.name };
      break;
    }
  }

  if (!failure) {
    telemetry.end('completed', undefined);
    return { sagaId, status: 'completed', result: last as TResult, results };
  }

  const undone = await compensate(steps, completed, settings, telemetry, base, failure.error);
  const status: SagaStatus = undone.length > 0 ? 'failed' : 'compensated';
  telemetry.end(status, failure.error);
  const run: SagaRun<TResult> = { sagaId, status, results, error: failure.error };
  if (failure.failedStep !== undefined) run.failedStep = failure.failedStep;
  if (undone.length > 0) run.undoneCompensations = undone;
  return run;
}

/** Undoes the completed steps in reverse order; returns the compensations left undone. */
async function compensate<TInput>(
  steps: readonly PlannedStep<TInput>[],
  completed: readonly number[],
  settings: Settings,
  telemetry: SagaRunTelemetry,
  base: Omit<SagaStepContext<TInput>, 'signal'>,
  cause: unknown,
): Promise<string[]> {
  const owed = completed
    .toReversed()
    .map((index) => ({ index, step: steps[index]! }))
    .filter(({ step }) => step.compensate !== undefined);
  for (const [position, { index, step }] of owed.entries()) {
    const stepTelemetry = telemetry.step(step.name, index, 'compensation');
    const ok = await compensateOne(step, settings, stepTelemetry, base, cause);
    if (!ok) return owed.slice(position).map(({ step: s }) => s.name);
  }
  return [];
}

async function compensateOne<TInput>(
  step: PlannedStep<TInput>,
  settings: Settings,
  stepTelemetry: StepTelemetry,
  base: Omit<SagaStepContext<TInput>, 'signal'>,
  cause: unknown,
): Promise<boolean> {
  const compensation = step.compensate!;
  const attempts = settings.compensationRetries + 1;
  for (let attempt = 1; ; attempt++) {
    try {
      // Compensations do not see the outer signal: an aborted run is exactly the one that must be undone.
      await step.runner(
        (signal) =>
          context.with(stepTelemetry.context, () =>
            compensation({ ...base, signal, result: base.results[step.name], cause, attempt }),
          ),
        undefined,
      );
      stepTelemetry.end(false);
      return true;
    } catch (error) {
      if (attempt >= attempts) {
        stepTelemetry.end(true, error);
        return false;
      }
      stepTelemetry.attemptFailed(error, attempt);
      await sleep(Math.min(settings.compensationBackoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS));
    }
  }
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

function definedOnly(options: SagaOptions): SagaOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

function validate<TInput>(name: string, steps: readonly SagaStep<TInput>[], options: SagaOptions): void {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('saga: name must be a non-empty string');
  if (!Array.isArray(steps) || steps.length === 0)
    throw new TypeError(`saga "${name}": steps must be a non-empty array`);
  const seen = new Set<string>();
  for (const [index, step] of steps.entries()) {
    const where = `saga "${name}": steps[${index}]`;
    if (typeof step?.name !== 'string' || step.name.length === 0)
      throw new TypeError(`${where}.name must be a non-empty string`);
    if (seen.has(step.name)) throw new TypeError(`${where}.name "${step.name}" is used by an earlier step`);
    seen.add(step.name);
    if (typeof step.action !== 'function') throw new TypeError(`${where}.action must be a function`);
    if (step.compensate !== undefined && typeof step.compensate !== 'function')
      throw new TypeError(`${where}.compensate must be a function when given`);
    checkDuration(`${where}.timeoutMs`, step.timeoutMs);
  }
  checkDuration(`saga "${name}": options.stepTimeoutMs`, options.stepTimeoutMs);
  const { compensationRetries, compensationBackoffMs, idGenerator } = options;
  if (compensationRetries !== undefined && !(Number.isInteger(compensationRetries) && compensationRetries >= 0))
    throw new RangeError(
      `saga "${name}": options.compensationRetries must be an integer ≥ 0, got ${compensationRetries}`,
    );
  if (compensationBackoffMs !== undefined && !(Number.isFinite(compensationBackoffMs) && compensationBackoffMs >= 0))
    throw new RangeError(
      `saga "${name}": options.compensationBackoffMs must be a finite number ≥ 0, got ${compensationBackoffMs}`,
    );
  if (options.clock !== undefined && typeof options.clock?.now !== 'function')
    throw new TypeError(`saga "${name}": options.clock must have a now() method`);
  if (idGenerator !== undefined && typeof idGenerator !== 'function')
    throw new TypeError(`saga "${name}": options.idGenerator must be a function when given`);
}

function checkDuration(what: string, value: number | undefined): void {
  if (value !== undefined && !(typeof value === 'number' && value > 0 && value <= MAX_TIMEOUT_MS))
    throw new RangeError(`${what} must be a number of ms in (0, ${MAX_TIMEOUT_MS}], got ${value}`);
}
