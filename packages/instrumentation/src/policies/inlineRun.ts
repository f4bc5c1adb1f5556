import { systemNow } from '../clock.js';
import { type CallScope, finishCall } from '../telemetry/callScope.js';
import type { DeadlineEntry, DeadlineSlot } from './deadlineScheduler.js';
import { type PromiseSettlers, pendingPromise } from './pendingPromise.js';
import { type Call, isNeverSignal, type Stage } from './policy.js';

/**
 * Runs of inline stages: one settlement for a whole chain.
 *
 * Nesting policies the obvious way gives every stage its own async frame
 * around the rest of the chain (bulkhead: hold the permit until the inner
 * promise settles; breaker: record the outcome; timeout: race a deadline),
 * and the call boundary one more for the span. Each frame costs ≈ 70 ns here,
 * more than the policy's own work. But a bulkhead with a free permit, a
 * breaker and a timeout all decide *synchronously* before the call and
 * update *synchronously* after it. So a run of such stages is executed as:
 * every stage's {@link InlineStage.enter} in order, the rest of the chain
 * once, then one `.then` on it calls every {@link InlineStage.exit} in
 * reverse order — the same order and the same outcome the nested frames
 * would have seen.
 *
 * A deadline stage (timeout) is a barrier: the stages outside it must see its
 * result at the deadline even if the inner call never settles. So a run with
 * a deadline hands out a promise it settles itself; when the deadline (or
 * the caller's abort) comes first, the deadline stage calls
 * {@link InlineRun.settleOuter}, which runs the exits outside the barrier and
 * rejects; when the inner call settles later, its exits stop at the barrier.
 *
 * One run holds at most one breaker and one deadline (their per-call state
 * is a field here, not an allocation); `Chain` splits longer chains into
 * several runs. A bulkhead that must queue answers {@link DEFER} and the run
 * continues through its generic (async) `runStage`. Clock reads are shared:
 * stages on the system clock take {@link InlineRun.started} and
 * {@link InlineRun.ended} (one `performance.now()` each, ≈ 40 ns here)
 * instead of reading it themselves. A caller's signal that is already
 * aborted is checked once per run, before any stage: the call rejects with
 * its reason and no stage takes part (a cancellation is the caller's doing,
 * not the dependency's, so no breaker counts it).
 *
 * Everything here and in the stages' `enter`/`exit` is on every call's path:
 * V8 inlines callees into a hot function only up to a bytecode budget, so
 * the rare cases (rejections, queueing, span work) live in functions of
 * their own and the common ones stay small.
 */

/** The stage admitted the call; its `exit` will run. */
export const ENTERED = 0;
/** The stage rejected the call without running anything below (see `Call.failFast`). */
export const REJECTED = 1;
/** The stage cannot decide synchronously: run it (and the rest) through its `runStage`. */
export const DEFER = 2;

/** What {@link InlineStage.enter} answers. */
export type Verdict = typeof ENTERED | typeof REJECTED | typeof DEFER;

/**
 * A stage that can take part in an inline run.
 * @internal
 */
export interface InlineStage extends Stage {
  /**
   * `permit`: stateless per call (any number per run); `breaker`, `deadline`:
   * keep per-call state in the run (one of each per run). A `deadline` stage
   * must settle the run through {@link InlineRun.settleOuter} when it fires.
   */
  readonly inline: 'permit' | 'breaker' | 'deadline';
  /**
   * The stage times calls with `performance.now()`: it reads the run's
   * {@link InlineRun.started} and {@link InlineRun.ended} instead of the clock.
   */
  readonly onSystemClock: boolean;
  /**
   * Before-work. The run's signal was checked not to be aborted. On {@link REJECTED} the stage has called `run.call.failFast`.
   * May replace `run.signal` (the signal handed to the stages below).
   */
  enter(run: InlineRun<unknown>, index: number): Verdict;
  /**
   * After-work once everything below settled (`threw`: with `error`), or
   * right away when something below rejected fast. Returns false when the
   * stages outside this one were already settled (an expired deadline): the
   * run stops there.
   */
  exit(run: InlineRun<unknown>, error: unknown, threw: boolean): boolean;
}

const noop = (): void => {};

/** The state of one inline run of one call. @internal */
export class InlineRun<T> implements PromiseSettlers<T>, DeadlineEntry {
  /** Index after the last stage entered. */
  entered: number;
  /** The signal for the stages below the ones entered so far. */
  signal: AbortSignal;
  /** `performance.now()` when the run started, if a stage or the call needs it (else NaN). */
  readonly started: number;
  /** `performance.now()` when the part being exited settled, if needed (else NaN). */
  ended = Number.NaN;
  // Breaker state (at most one breaker per run).
  generation = 0;
  admittedAt = 0;
  // Deadline state (at most one deadline per run).
  barrier = -1;
  deadlineStage: DeadlineStage | undefined = undefined;
  slot: DeadlineSlot | undefined = undefined;
  slotIndex = 0;
  controller: AbortController | undefined = undefined;
  outer: AbortSignal | undefined = undefined;
  /** The promise handed out (runs with a deadline) was settled. */
  outerSettled = false;
  resolve: (value: T) => void = noop;
  reject: (error: unknown) => void = noop;

  constructor(
    readonly call: Call<T>,
    readonly start: number,
    signal: AbortSignal,
    started: number,
    /** The run starts at the call boundary: it ends the call's span and duration too. */
    readonly finishesCall: boolean,
  ) {
    this.entered = start;
    this.signal = signal;
    this.started = Number.isNaN(started) && call.chain.timed[start] === 1 ? systemNow() : started;
  }

  /** Deadline of the run's deadline stage. */
  expire(slot: DeadlineSlot): void {
    this.deadlineStage?.expire(this as unknown as InlineRun<unknown>, slot);
  }

  /** The caller's signal aborted (listener of the deadline stage). */
  handleEvent(): void {
    this.deadlineStage?.abort(this as unknown as InlineRun<unknown>);
  }

  /**
   * Called by the deadline stage when it gives up before the call settles:
   * the stages outside it exit with `error`, the call ends, the run's
   * promise rejects.
   */
  settleOuter(error: unknown): void {
    if (this.outerSettled) return;
    this.outerSettled = true;
    this.exitFrom(this.barrier - 1, error, true);
    this.reject(error);
  }

  /** Everything below settled: exits inside out, up to a barrier that was already settled. */
  complete(error: unknown, threw: boolean): boolean {
    return this.exitFrom(this.entered - 1, error, threw);
  }

  /** Runs exits from stage `from` down to the run's first; false if stopped at a settled barrier. */
  private exitFrom(from: number, error: unknown, threw: boolean): boolean {
    if (!Number.isNaN(this.started)) this.ended = systemNow();
    const stages = this.call.chain.stages;
    for (let i = from; i >= this.start; i--) {
      if (!(stages[i] as InlineStage).exit(this as unknown as InlineRun<unknown>, error, threw)) return false;
    }
    if (this.finishesCall) finishCall(this.call.scope as CallScope, threw, error, this.started, this.ended);
    return true;
  }
}

/** What a deadline stage does for the run when its deadline or the caller's abort comes first. @internal */
export interface DeadlineStage {
  expire(run: InlineRun<unknown>, slot: DeadlineSlot): void;
  abort(run: InlineRun<unknown>): void;
}

/**
 * Runs the inline stages `start`…`end - 1` of `call`'s chain and the rest of
 * the chain below them. `startedAt` is the boundary's `performance.now()`
 * when the run starts a call (NaN: read here if a stage needs it).
 * @internal
 */
export function runInline<T>(
  call: Call<T>,
  start: number,
  end: number,
  signal: AbortSignal,
  startedAt: number,
  finishesCall: boolean,
): Promise<T> {
  // Checked once here rather than by each stage: nothing the stages do
  // synchronously aborts it.
  if (!isNeverSignal(signal) && signal.aborted) return rejectAborted(call, signal, startedAt, finishesCall);
  const run = new InlineRun(call, start, signal, startedAt, finishesCall);
  const stages = call.chain.stages;
  for (let index = start; index < end; index++) {
    const verdict = (stages[index] as InlineStage).enter(run as unknown as InlineRun<unknown>, index);
    if (verdict !== ENTERED) return divert(run, index, verdict);
    run.entered = index + 1;
  }
  return runBelow(run, end, false);
}

/**
 * The rest of the chain below the stages entered: from stage `index` on
 * (`deferred`: stage `index` answered DEFER and runs its own way), then the
 * run's exits when it settles.
 */
function runBelow<T>(run: InlineRun<T>, index: number, deferred: boolean): Promise<T> {
  const call = run.call;
  // Made before anything below runs: a caller's abort during the call must find it.
  const promise = run.barrier >= 0 ? pendingPromise(run) : undefined;
  const inner = deferred ? call.runStageAt(index, run.signal) : call.invoke(index, run.signal);
  if (inner === call.failedFast) {
    // Rejected below without running: every exit now, and pass the rejection up as it is.
    if (run.complete(call.failedFastError, true) && promise !== undefined) run.outerSettled = true;
    return inner;
  }
  if (promise === undefined) return settle(run, inner);
  forward(run, inner);
  return promise;
}

/** The caller's signal was aborted before the run: nothing is entered, the call ends with its reason. */
function rejectAborted<T>(
  call: Call<T>,
  signal: AbortSignal,
  startedAt: number,
  finishesCall: boolean,
): Promise<never> {
  const rejection = call.failFast(Promise.reject(signal.reason), signal.reason);
  if (finishesCall) finishCall(call.scope as CallScope, true, signal.reason, startedAt, systemNow());
  return rejection;
}

/** Stage `index` rejected the call, or must continue it asynchronously (a queued bulkhead). */
function divert<T>(run: InlineRun<T>, index: number, verdict: Verdict): Promise<T> {
  if (verdict === DEFER) return runBelow(run, index, true);
  run.complete(run.call.failedFastError, true);
  return run.call.failedFast as Promise<never>;
}

/**
 * After the rest of a run without a deadline settled: the exits, then the
 * run's promise settles as the rest did. `.then` with two small closures
 * rather than an `async` frame: ≈ 20 against ≈ 70 ns here.
 */
function settle<T>(run: InlineRun<T>, inner: Promise<T>): Promise<T> {
  return inner.then(
    (value) => {
      run.complete(undefined, false);
      return value;
    },
    (error: unknown) => {
      run.complete(error, true);
      throw error;
    },
  );
}

/** After the rest of a run with a deadline settled: the exits, then the run's promise, unless the deadline settled it. */
function forward<T>(run: InlineRun<T>, inner: Promise<T>): void {
  inner.then(
    (value) => {
      if (run.complete(undefined, false) && !run.outerSettled) {
        run.outerSettled = true;
        run.resolve(value);
      }
    },
    (error: unknown) => {
      if (run.complete(error, true) && !run.outerSettled) {
        run.outerSettled = true;
        run.reject(error);
      }
    },
  );
}
