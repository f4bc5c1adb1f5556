import { type Clock, systemClock } from '../clock.js';
import { TimeoutError } from '../errors.js';
import type { Endpoint } from '../telemetry/callScope.js';
import { endpointFor } from '../telemetry/callScope.js';
import { type DeadlineEntry, type DeadlineScheduler, type DeadlineSlot, schedulerFor } from './deadlineScheduler.js';
import { checkNumber, checkOptionalName } from './optionChecks.js';
import { type PromiseSettlers, pendingPromise } from './pendingPromise.js';
import { type Call, executeChain, isNeverSignal, type Policy, type Stage, type Task } from './policy.js';

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

const noop = (): void => {};

/**
 * One pending call under a timeout. It is its own deadline entry and its own
 * abort listener (`handleEvent`) for the caller's signal, and holds the settle
 * functions of the promise handed back ({@link pendingPromise}): no closure
 * is allocated per call.
 */
class TimeoutCall<T> implements DeadlineEntry, PromiseSettlers<T> {
  slot: DeadlineSlot | undefined = undefined;
  slotIndex = 0;
  settled = false;
  resolve: (value: T) => void = noop;
  reject: (error: unknown) => void = noop;
  /** Own controller, only when the caller passed a signal to link. */
  controller: AbortController | undefined = undefined;
  outer: AbortSignal | undefined = undefined;

  constructor(
    private readonly scheduler: DeadlineScheduler,
    private readonly ms: number,
  ) {}

  fulfil(value: T): void {
    if (this.settle()) this.resolve(value);
  }

  fail(error: unknown): void {
    if (this.settle()) this.reject(error);
  }

  expire(slot: DeadlineSlot): void {
    if (this.settled) return;
    this.settled = true;
    this.unlink();
    const error = TimeoutError.create(this.ms);
    if (this.controller !== undefined) this.controller.abort(error);
    else slot.abort(error);
    this.reject(error);
  }

  /** The caller's signal aborted: abort the call and reject with its reason. */
  handleEvent(): void {
    const reason = this.outer?.reason;
    if (!this.settle()) return;
    this.controller?.abort(reason);
    this.reject(reason);
  }

  /** The call failed fast: leave the scheduler; the promise handed out is dropped unsettled. */
  withdraw(): void {
    this.settle();
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.scheduler.remove(this);
    this.unlink();
    return true;
  }

  private unlink(): void {
    if (this.outer !== undefined) {
      this.outer.removeEventListener('abort', this);
      this.outer = undefined;
    }
  }
}

/**
 * Settles `entry` with the outcome of `pending` (unless the deadline or the
 * caller's abort came first). One async frame instead of two `then` closures.
 */
async function forward<T>(entry: TimeoutCall<T>, pending: Promise<T>): Promise<void> {
  let value: T;
  try {
    value = await pending;
  } catch (error) {
    entry.fail(error);
    return;
  }
  entry.fulfil(value);
}

class Timeout implements TimeoutPolicy, Stage {
  readonly ms: number;
  readonly dependency: string | undefined;
  private readonly scheduler: DeadlineScheduler;
  private readonly chain: readonly Stage[] = [this];
  private readonly endpoint: Endpoint | undefined;

  constructor(options: TimeoutOptions) {
    this.ms = checkNumber('timeout', 'ms', options?.ms, { min: 0, max: 2 ** 31 - 1 });
    this.dependency = checkOptionalName('timeout', 'dependency', options.dependency);
    this.scheduler = schedulerFor(options.clock ?? systemClock);
    this.endpoint = this.dependency === undefined ? undefined : endpointFor(this.dependency, 'execute');
  }

  execute<T>(fn: Task<T>, signal?: AbortSignal): Promise<T> {
    return executeChain(this.chain, this.endpoint, fn, signal);
  }

  runStage<T>(call: Call<T>, index: number, signal: AbortSignal): Promise<T> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const entry = new TimeoutCall<T>(this.scheduler, this.ms);
    const promise = pendingPromise(entry);
    const slot = this.scheduler.add(this.ms, entry);
    let inner: AbortSignal;
    if (isNeverSignal(signal)) {
      // No caller signal to link: share the slot's signal (one
      // AbortController per duration quantum instead of one per call).
      inner = slot.signal();
    } else {
      entry.controller = new AbortController();
      inner = entry.controller.signal;
      entry.outer = signal;
      signal.addEventListener('abort', entry);
    }
    const pending = call.invoke(index + 1, inner);
    // Rejected below without running (e.g. an open breaker): nothing to time.
    if (pending === call.failedFast) {
      entry.withdraw();
      return pending;
    }
    void forward(entry, pending);
    return promise;
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
