import { type Clock, systemClock } from '../clock.js';
import { TimeoutError } from '../errors.js';
import type { Endpoint } from '../telemetry/callScope.js';
import { endpointFor } from '../telemetry/callScope.js';
import { type DeadlineScheduler, type DeadlineSlot, type Lane, schedulerFor } from './deadlineScheduler.js';
import { type DeadlineStage, ENTERED, type InlineRun, type InlineStage, type Verdict } from './inlineRun.js';
import { checkNumber, checkOptionalName } from './optionChecks.js';
import { type Call, type Chain, chainOf, executeChain, isNeverSignal, type Policy, type Task } from './policy.js';

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /** Deadline of each call in milliseconds, > 0. */
  ms: number;
  /** Dependency guarded; only needed for telemetry when the timeout is used on its own. */
  dependency?: string;
  /** Time source (tests). Default: `performance.now()`. */
  clock?: Clock;
}

/** A timeout policy. */
export interface TimeoutPolicy extends Policy {
  readonly ms: number;
}

class Timeout implements TimeoutPolicy, InlineStage, DeadlineStage {
  readonly inline = 'deadline';
  readonly ms: number;
  readonly dependency: string | undefined;
  private readonly scheduler: DeadlineScheduler;
  private readonly lane: Lane;
  readonly onSystemClock: boolean;
  /** Built last in the constructor: the chain reads what the stage is (`Chain.timed`). */
  private readonly chain: Chain;
  private readonly endpoint: Endpoint | undefined;

  constructor(options: TimeoutOptions) {
    this.ms = checkNumber('timeout', 'ms', options?.ms, { min: 0, max: 2 ** 31 - 1 });
    this.dependency = checkOptionalName('timeout', 'dependency', options.dependency);
    const clock = options.clock ?? systemClock;
    this.scheduler = schedulerFor(clock);
    this.lane = this.scheduler.lane(this.ms);
    this.onSystemClock = clock === systemClock;
    this.endpoint = this.dependency === undefined ? undefined : endpointFor(this.dependency, 'execute');
    this.chain = chainOf([this]);
  }

  execute<T>(fn: Task<T>, signal?: AbortSignal): Promise<T> {
    return executeChain(this.chain, this.endpoint, fn, signal);
  }

  /**
   * Arms the deadline for an inline run (see `inlineRun.ts`): the run is the
   * deadline entry and, when the caller gave a signal, its abort listener, so
   * no object is allocated per call beyond the run itself.
   */
  enter(run: InlineRun<unknown>, index: number): Verdict {
    run.barrier = index;
    run.deadlineStage = this;
    const slot = this.scheduler.addToLane(
      this.lane,
      this.onSystemClock ? run.started : this.scheduler.clock.now(),
      run,
    );
    // No caller signal to link: share the slot's signal (one AbortController
    // per duration quantum instead of one per call).
    if (isNeverSignal(run.signal)) run.signal = slot.signal();
    else link(run, run.signal);
    return ENTERED;
  }

  /** The call settled (or failed fast below): disarm, unless the deadline or an abort settled the run first. */
  exit(run: InlineRun<unknown>): boolean {
    if (run.outerSettled) return false;
    this.scheduler.remove(run);
    unlink(run);
    return true;
  }

  expire(run: InlineRun<unknown>, slot: DeadlineSlot): void {
    if (run.outerSettled) return;
    unlink(run);
    const error = TimeoutError.create(this.ms);
    if (run.controller !== undefined) run.controller.abort(error);
    else slot.abort(error);
    run.settleOuter(error);
  }

  abort(run: InlineRun<unknown>): void {
    if (run.outerSettled) return;
    const reason = run.outer?.reason;
    this.scheduler.remove(run);
    unlink(run);
    run.controller?.abort(reason);
    run.settleOuter(reason);
  }

  /** Only reached when the timeout is not part of an inline run; never the case for chains built here. */
  runStage<T>(call: Call<T>, index: number, signal: AbortSignal): Promise<T> {
    return call.invoke(index, signal);
  }
}

/** The call gets a signal of its own that the caller's signal aborts too. */
function link(run: InlineRun<unknown>, signal: AbortSignal): void {
  const controller = new AbortController();
  run.controller = controller;
  run.signal = controller.signal;
  run.outer = signal;
  signal.addEventListener('abort', run);
}

/** Stops listening to the caller's signal. */
function unlink(run: InlineRun<unknown>): void {
  if (run.outer !== undefined) {
    run.outer.removeEventListener('abort', run);
    run.outer = undefined;
  }
}

/**
 * A deadline for each call: after `ms` the `AbortSignal` handed to the call
 * is aborted with a {@link TimeoutError} and the call rejects with it, whether
 * or not the function honours the signal. A call that settles in time never
 * has its signal aborted.
 *
 * No timer per call: all timeouts of a process share one timer armed for the
 * earliest pending deadline (see `deadlineScheduler.ts`). Calls without a
 * caller signal that start in the same quantum (1 ms, or `ms`/1000 for long
 * timeouts) share one `AbortSignal`; it is aborted only if one of them is
 * still pending at the deadline. If a caller signal is given it is linked: its
 * abort aborts the call and rejects with its reason.
 *
 * @example
 * await timeout({ ms: 2000 }).execute((signal) => fetch(url, { signal }));
 */
export function timeout(options: TimeoutOptions): TimeoutPolicy {
  return new Timeout(options);
}
