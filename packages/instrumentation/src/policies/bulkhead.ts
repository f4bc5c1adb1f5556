import { type Attributes, diag, type Span } from '@opentelemetry/api';
import { type Clock, systemClock } from '../clock.js';
import { BulkheadRejectedError } from '../errors.js';
import { type Endpoint, endpointFor } from '../telemetry/callScope.js';
import { FixedCounter, FixedHistogram } from '../telemetry/fixedHistogram.js';
import { instruments } from '../telemetry/instruments.js';
import { metricRoute } from '../telemetry/metricRoute.js';
import { ATTR } from '../telemetry/names.js';
import { type BulkheadGaugeSource, registerBulkhead } from '../telemetry/registry.js';
import { type DeadlineEntry, type DeadlineScheduler, type DeadlineSlot, schedulerFor } from './deadlineScheduler.js';
import { DEFER, ENTERED, type InlineRun, type InlineStage, REJECTED, type Verdict } from './inlineRun.js';
import { checkName, checkNumber, checkOptionalName, fail } from './optionChecks.js';
import { type PromiseSettlers, pendingPromise } from './pendingPromise.js';
import { type Call, type Chain, chainOf, executeChain, isNeverSignal, type Policy, type Task } from './policy.js';

/** Options of {@link bulkhead}. */
export interface BulkheadOptions {
  /** Name in telemetry and errors. Required. */
  name: string;
  /** The dependency guarded (`peer.service` of its metrics and call spans). */
  dependency?: string;
  /** Calls allowed to run at once, integer >= 1. Required. */
  maxConcurrent: number;
  /** Calls allowed to wait for a permit, integer >= 0. Default 0 (no queue). */
  maxQueue?: number;
  /** A queued call waiting longer than this (ms) is rejected. Default: no limit. */
  queueTimeoutMs?: number;
  /** Time source (tests). Default `performance.now()`. */
  clock?: Clock;
}

/** A bulkhead policy. */
export interface Bulkhead extends Policy {
  readonly name: string;
  readonly dependency: string | undefined;
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  /** Calls holding a permit now. */
  readonly active: number;
  /** Calls waiting in the queue now. */
  readonly queued: number;
}

const noop = (): void => {};

/**
 * A queued call: a node of the FIFO (doubly linked, so removal on abort or
 * queue timeout is O(1)), its deadline entry, and its abort listener when the
 * caller gave a signal that can abort. No closure per waiter: the promise's
 * settle functions are stored on it ({@link pendingPromise}).
 */
class Waiter implements DeadlineEntry, PromiseSettlers<number> {
  prev: Waiter | undefined = undefined;
  next: Waiter | undefined = undefined;
  slot: DeadlineSlot | undefined = undefined;
  slotIndex = 0;
  resolve: (waitedMs: number) => void = noop;
  reject: (error: unknown) => void = noop;
  /** The caller's signal, only when an abort listener was added to it. */
  linked: AbortSignal | undefined = undefined;
  readonly enqueuedAt: number;

  constructor(private readonly pool: Pool) {
    this.enqueuedAt = pool.clock.now();
  }

  /** Queue timeout. */
  expire(): void {
    this.pool.dropWaiter(this, BulkheadRejectedError.create(this.pool.name, 'queue_timeout'), true);
  }

  /** The caller aborted while queued. */
  handleEvent(): void {
    this.pool.dropWaiter(this, this.linked?.reason, false);
  }
}

class Pool implements Bulkhead, InlineStage, BulkheadGaugeSource {
  readonly inline = 'permit';
  readonly onSystemClock = false;
  readonly name: string;
  readonly dependency: string | undefined;
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly queueTimeoutMs: number | undefined;
  readonly clock: Clock;
  readonly gaugeAttributes: Attributes;
  readonly queueWait: FixedHistogram;
  readonly rejections: FixedCounter;
  private readonly scheduler: DeadlineScheduler;
  /** Built last in the constructor: the chain reads what the stage is (`Chain.timed`). */
  private readonly chain: Chain;
  private readonly endpoint: Endpoint | undefined;
  active = 0;
  queued = 0;
  private head: Waiter | undefined = undefined;
  private tail: Waiter | undefined = undefined;

  constructor(options: BulkheadOptions) {
    const P = 'bulkhead';
    if (options === null || typeof options !== 'object') fail(P, 'options', 'an object', options);
    this.name = checkName(P, 'name', options.name);
    this.dependency = checkOptionalName(P, 'dependency', options.dependency);
    this.maxConcurrent = checkNumber(P, 'maxConcurrent', options.maxConcurrent, {
      min: 1,
      minInclusive: true,
      integer: true,
      max: 1e9,
    });
    this.maxQueue = checkNumber(P, 'maxQueue', options.maxQueue ?? 0, {
      min: 0,
      minInclusive: true,
      integer: true,
      max: 1e9,
    });
    this.queueTimeoutMs =
      options.queueTimeoutMs === undefined
        ? undefined
        : checkNumber(P, 'queueTimeoutMs', options.queueTimeoutMs, { min: 0, max: 2 ** 31 - 1 });
    this.clock = options.clock ?? systemClock;
    this.scheduler = schedulerFor(this.clock);
    this.endpoint = this.dependency === undefined ? undefined : endpointFor(this.dependency, 'execute');
    const attributes: Attributes = { [ATTR.BULKHEAD_NAME]: this.name };
    if (this.dependency !== undefined) attributes[ATTR.PEER_SERVICE] = this.dependency;
    this.gaugeAttributes = Object.freeze(attributes);
    this.queueWait = new FixedHistogram(this.gaugeAttributes);
    this.rejections = new FixedCounter(this.gaugeAttributes);
    registerBulkhead(this);
    this.chain = chainOf([this]);
  }

  execute<T>(fn: Task<T>, signal?: AbortSignal): Promise<T> {
    return executeChain(this.chain, this.endpoint, fn, signal);
  }

  /**
   * Admission as part of an inline run (see `inlineRun.ts`): a free permit is
   * taken at once and returned by {@link exit}; a call that must queue takes
   * the asynchronous path ({@link runStage}).
   */
  enter(run: InlineRun<unknown>): Verdict {
    if (this.active < this.maxConcurrent) {
      this.active++;
      const span = run.call.scope?.target;
      if (span !== undefined) this.annotate(span, 0);
      return ENTERED;
    }
    if (this.queued < this.maxQueue) return DEFER;
    this.reject(run.call);
    return REJECTED;
  }

  exit(): boolean {
    this.release();
    return true;
  }

  /**
   * The asynchronous path: a call that waits in the queue for its permit.
   * Reached only right after {@link enter} answered DEFER (the bulkhead is
   * always part of an inline run), so the signal was checked, no permit is
   * free and the queue has room.
   */
  runStage<T>(call: Call<T>, index: number, signal: AbortSignal): Promise<T> {
    return this.runQueued(call, index, signal);
  }

  private reject<T>(call: Call<T>): Promise<never> {
    const span = call.scope?.target;
    if (span !== undefined) this.annotate(span, 0);
    this.countRejection();
    const error = BulkheadRejectedError.create(this.name, 'queue_full');
    return call.failFast(Promise.reject(error), error);
  }

  private async runQueued<T>(call: Call<T>, index: number, signal: AbortSignal): Promise<T> {
    // Wait for a permit handed over by release(). The continuation after
    // `await` runs in this call's own async context, so trace context is
    // kept (the call is not run from the stack of the call that released).
    const waitedMs = await this.enqueue(signal);
    const span = call.scope?.target;
    if (span !== undefined) this.annotate(span, waitedMs);
    if (signal.aborted) {
      this.release();
      throw signal.reason;
    }
    try {
      return await call.invoke(index + 1, signal);
    } finally {
      this.release();
    }
  }

  private enqueue(signal: AbortSignal): Promise<number> {
    const waiter = new Waiter(this);
    const promise = pendingPromise(waiter);
    waiter.prev = this.tail;
    if (this.tail === undefined) this.head = waiter;
    else this.tail.next = waiter;
    this.tail = waiter;
    this.queued++;
    if (this.queueTimeoutMs !== undefined) this.scheduler.add(this.queueTimeoutMs, waiter);
    // Only a signal that can abort gets a listener: the shared never-aborting
    // signal handed out when the caller gave none would otherwise collect one
    // listener per queued call (EventTarget work, MaxListenersExceededWarning).
    if (!isNeverSignal(signal)) {
      waiter.linked = signal;
      signal.addEventListener('abort', waiter);
    }
    return promise;
  }

  /** Returns a permit: straight to the oldest waiter if any, else to the pool. */
  private release(): void {
    const waiter = this.head;
    if (waiter === undefined) {
      this.active--;
      return;
    }
    this.unlink(waiter);
    const waitedMs = this.clock.now() - waiter.enqueuedAt;
    this.recordQueueWait(waitedMs);
    waiter.resolve(waitedMs);
  }

  /** Removes a waiter that will not get a permit (queue timeout, abort). */
  dropWaiter(waiter: Waiter, error: unknown, timedOut: boolean): void {
    if (!this.unlink(waiter)) return;
    if (timedOut) {
      this.countRejection();
      this.recordQueueWait(this.clock.now() - waiter.enqueuedAt);
    }
    waiter.reject(error);
  }

  /** Takes `waiter` out of the queue; false if it was no longer there. */
  private unlink(waiter: Waiter): boolean {
    if (waiter.prev === undefined && this.head !== waiter) return false;
    if (waiter.prev === undefined) this.head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) this.tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    this.queued--;
    this.scheduler.remove(waiter);
    if (waiter.linked !== undefined) {
      waiter.linked.removeEventListener('abort', waiter);
      waiter.linked = undefined;
    }
    return true;
  }

  /** The bulkhead and the call's queue wait, on its span (unsampled calls have none). */
  private annotate(span: Span, waitedMs: number): void {
    span.setAttribute(ATTR.BULKHEAD_NAME, this.name);
    span.setAttribute(ATTR.BULKHEAD_QUEUE_WAIT, waitedMs / 1000);
  }

  private countRejection(): void {
    if (metricRoute.preAggregated) {
      this.rejections.add(1);
      return;
    }
    try {
      instruments().bulkheadRejections.add(1, this.gaugeAttributes);
    } catch (error) {
      diag.error(`bulkhead "${this.name}": counting a rejection failed`, error);
    }
  }

  private recordQueueWait(waitedMs: number): void {
    if (metricRoute.preAggregated) {
      this.queueWait.record(waitedMs / 1000);
      return;
    }
    try {
      instruments().bulkheadQueueWait.record(waitedMs / 1000, this.gaugeAttributes);
    } catch (error) {
      diag.error(`bulkhead "${this.name}": recording queue wait failed`, error);
    }
  }
}

/**
 * Limits concurrent calls to a dependency: `maxConcurrent` run, up to
 * `maxQueue` wait in FIFO order, the rest are rejected at once with
 * {@link BulkheadRejectedError} (`reason: 'queue_full'`). A queued call that
 * waits longer than `queueTimeoutMs` is rejected (`'queue_timeout'`); one
 * whose caller signal aborts leaves the queue and rejects with the abort
 * reason. A permit is returned when the call settles, whatever the outcome,
 * and goes straight to the oldest waiter: no permit is ever lost or skipped.
 *
 * Telemetry: `resilience.bulkhead.active`/`.queued`/`.limit`/`.queue.limit`
 * are gauges read at collection; `resilience.bulkhead.rejections` counts
 * rejections; `resilience.bulkhead.queue.wait` records the wait of calls that
 * were queued (calls admitted at once do not touch the histogram). Within a
 * guarded call the span gets `resilience.bulkhead.name` and
 * `resilience.bulkhead.queue_wait` (seconds, 0 when admitted at once).
 *
 * @example
 * const pool = bulkhead({ name: 'payment-pool', dependency: 'payment-service',
 *   maxConcurrent: 10, maxQueue: 20, queueTimeoutMs: 1000 });
 * await pool.execute((signal) => fetch(url, { signal }));
 */
export function bulkhead(options: BulkheadOptions): Bulkhead {
  return new Pool(options);
}
