import { type Attributes, diag, type Span } from '@opentelemetry/api';
import { systemClock } from '../clock.js';
import { BrokenCircuitError, BulkheadRejectedError } from '../errors.js';
import { ambientScope, type CallScope, type Endpoint, endpointFor } from '../telemetry/callScope.js';
import { instruments } from '../telemetry/instruments.js';
import { ATTR, EVENT } from '../telemetry/names.js';
import { type BreakerGaugeSource, registerBreaker } from '../telemetry/registry.js';
import { type BreakerConfig, breakerConfig, type CircuitBreakerOptions } from './circuitBreakerOptions.js';
import { CountWindow } from './countWindow.js';
import { ENTERED, type InlineRun, type InlineStage, REJECTED as RUN_REJECTED, type Verdict } from './inlineRun.js';
import { type Call, type Chain, chainOf, executeChain, type Policy, type Task } from './policy.js';
import type { SlidingWindow } from './slidingWindow.js';
import { TimeWindow } from './timeWindow.js';

export type { BreakerWindow, CircuitBreakerOptions } from './circuitBreakerOptions.js';

/** The states of a circuit breaker. */
export type BreakerState = 'closed' | 'open' | 'half_open' | 'forced_open' | 'disabled';

const STATES: readonly BreakerState[] = ['closed', 'open', 'half_open', 'forced_open', 'disabled'];

/** Passed to `onStateChange` listeners. */
export interface StateChangeEvent {
  readonly from: BreakerState;
  readonly to: BreakerState;
  /** Wall-clock time of the transition, ms since the epoch. */
  readonly at: number;
}

/** Counts of the current sliding window. */
export interface BreakerStats {
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
  /** failures / calls, 0 when empty. */
  readonly failureRate: number;
  /** slowCalls / calls, 0 when empty. */
  readonly slowCallRate: number;
}

/** A circuit breaker policy. */
export interface CircuitBreaker extends Policy {
  readonly name: string;
  readonly dependency: string | undefined;
  /**
   * The current state. `open` turns into `half_open` lazily, at the first
   * call after `openDurationMs`, so it reads `open` until then.
   */
  readonly state: BreakerState;
  /** Statistics of the sliding window (of the probes while half-open). */
  stats(): BreakerStats;
  /** Subscribes to transitions; returns the unsubscribe function. */
  onStateChange(listener: (event: StateChangeEvent) => void): () => void;
  /** Forces the breaker open (`forced_open`) until {@link reset}. */
  isolate(): void;
  /** Back to `closed` with an empty window, from any state. */
  reset(): void;
  /** Admits every call and records nothing (`disabled`) until {@link reset}. */
  disable(): void;
}

/** A call admitted at `generation`; results of an older generation are ignored. */
const REJECTED = -1;
/** The generation of a call admitted while disabled: nothing is recorded. */
const UNRECORDED = -2;

class Breaker implements CircuitBreaker, InlineStage, BreakerGaugeSource {
  readonly inline = 'breaker';
  readonly name: string;
  readonly dependency: string | undefined;
  readonly gaugeAttributes: Attributes;
  readonly stateAttributes: readonly (readonly [string, Attributes])[];
  private readonly config: BreakerConfig;
  private readonly window: SlidingWindow;
  /** Built last in the constructor: the chain reads what the stage is (`Chain.timed`). */
  private readonly chain: Chain;
  /** The clock is `performance.now()`: an inline run's shared readings can stand in for it. */
  readonly onSystemClock: boolean;
  private readonly endpoint: Endpoint | undefined;
  private readonly listeners = new Set<(event: StateChangeEvent) => void>();
  private current: BreakerState = 'closed';
  /** Bumped on every transition: a result is only counted in the state that admitted it. */
  private generation = 0;
  private openedAt = 0;
  private halfOpenedAt = 0;
  private probesAdmitted = 0;
  private probesDone = 0;
  private probeFailures = 0;
  private probeSlow = 0;
  /**
   * The one rejected promise handed to every call turned away in the current
   * state. A fresh rejected promise costs ~0.7 µs, mostly Node's
   * unhandled-rejection bookkeeping; re-awaiting one that is already handled
   * costs ~0.15 µs. Built lazily by the first rejected caller (so that caller's
   * handler marks it handled, and an unhandled first rejection is still
   * reported), dropped on every transition.
   */
  private rejected: Promise<never> | null = null;
  private rejectedError: BrokenCircuitError | undefined = undefined;

  constructor(options: CircuitBreakerOptions) {
    const config = breakerConfig(options);
    this.config = config;
    this.onSystemClock = config.clock === systemClock;
    this.name = config.name;
    this.dependency = config.dependency;
    this.window =
      config.window.kind === 'count'
        ? new CountWindow(config.window.size)
        : new TimeWindow(config.window.seconds * 1000, config.window.buckets ?? 10);
    this.endpoint = config.dependency === undefined ? undefined : endpointFor(config.dependency, 'execute');
    const base: Attributes = { [ATTR.BREAKER_NAME]: config.name };
    if (config.dependency !== undefined) base[ATTR.PEER_SERVICE] = config.dependency;
    this.gaugeAttributes = Object.freeze(base);
    this.stateAttributes = STATES.map((state) => [state, Object.freeze({ ...base, [ATTR.BREAKER_STATE]: state })]);
    registerBreaker(this);
    this.chain = chainOf([this]);
  }

  get state(): BreakerState {
    return this.current;
  }

  execute<T>(fn: Task<T>, signal?: AbortSignal): Promise<T> {
    // Fast fail outside any call (nothing to annotate, no span to open):
    // no Call object, no chain.
    if (this.endpoint === undefined && ambientScope() === undefined && this.rejectsNow()) {
      return this.rejection();
    }
    return executeChain(this.chain, this.endpoint, fn, signal);
  }

  /** The current state's shared rejection (see {@link Breaker.rejected}). */
  private rejection(): Promise<never> {
    if (this.rejected === null) {
      this.rejectedError = BrokenCircuitError.create(this.name, this.current);
      this.rejected = Promise.reject(this.rejectedError);
    }
    return this.rejected;
  }

  /** Whether a call now would be rejected without any state change. */
  private rejectsNow(): boolean {
    if (this.current === 'forced_open') return true;
    return this.current === 'open' && this.config.clock.now() - this.openedAt < this.config.openDurationMs;
  }

  /**
   * Admission as part of an inline run (see `inlineRun.ts`): the run keeps
   * the call's generation and admission time, and calls {@link exit} with the
   * outcome.
   */
  enter(run: InlineRun<unknown>): Verdict {
    // Closed: nothing to decide. Every other state, and span annotation
    // (which unsampled calls skip), is out of line to keep this small for V8.
    if (this.current !== 'closed') return this.enterOtherwise(run);
    run.generation = this.generation;
    run.admittedAt = this.timeOf(run.started);
    if (run.call.scope?.target !== undefined) this.annotate(run.call.scope.target);
    return ENTERED;
  }

  private enterOtherwise(run: InlineRun<unknown>): Verdict {
    const call = run.call;
    const now = this.timeOf(run.started);
    const generation = this.admit(now, call.scope);
    if (call.scope?.target !== undefined) this.annotate(call.scope.target);
    // Fast fail: no async frame, no stack, the function is never called.
    if (generation === REJECTED) {
      call.failFast(this.rejection(), this.rejectedError);
      return RUN_REJECTED;
    }
    run.generation = this.current === 'disabled' ? UNRECORDED : generation;
    run.admittedAt = now;
    return ENTERED;
  }

  exit(run: InlineRun<unknown>, error: unknown, threw: boolean): boolean {
    const generation = run.generation;
    if (!threw && generation === this.generation && this.current === 'closed') {
      const now = this.timeOf(run.ended);
      this.recordClosed(now, false, now - run.admittedAt >= this.config.slowCallDurationMs, run.call.scope);
    } else if (generation !== UNRECORDED) {
      this.settle(generation, run.admittedAt, this.timeOf(run.ended), error, threw, run.call.scope);
    }
    return true;
  }

  /** Now, on the breaker's clock: the run's shared `reading` when that clock is `performance.now()`. */
  private timeOf(reading: number): number {
    return this.onSystemClock ? reading : this.config.clock.now();
  }

  /** The state a call is admitted in, on its span. */
  private annotate(span: Span): void {
    span.setAttribute(ATTR.BREAKER_NAME, this.name);
    span.setAttribute(ATTR.BREAKER_STATE, this.current);
  }

  /** Only reached when the breaker is not part of an inline run; never the case for chains built here. */
  runStage<T>(call: Call<T>, index: number, signal: AbortSignal): Promise<T> {
    return call.invoke(index, signal);
  }

  /** Decides whether a call may proceed; returns its generation or {@link REJECTED}. */
  private admit(now: number, scope: CallScope | undefined): number {
    switch (this.current) {
      case 'closed':
      case 'disabled':
        return this.generation;
      case 'forced_open':
        return REJECTED;
      case 'open':
        // Lazily, without a timer: the first call after openDurationMs
        // becomes a probe (serverless-friendly, nothing to get stuck).
        if (now - this.openedAt < this.config.openDurationMs) return REJECTED;
        this.transition('half_open', now, scope);
        return this.admitProbe(now, scope);
      case 'half_open':
        return this.admitProbe(now, scope);
    }
  }

  private admitProbe(now: number, scope: CallScope | undefined): number {
    if (this.probesAdmitted < this.config.halfOpenMaxCalls) {
      this.probesAdmitted++;
      return this.generation;
    }
    // Every permit is out. If the probes have been out too long, presume them
    // lost and reopen rather than stay half-open forever.
    if (now - this.halfOpenedAt >= this.config.halfOpenMaxWaitMs) this.transition('open', now, scope);
    return REJECTED;
  }

  private settle(
    generation: number,
    startedAt: number,
    now: number,
    error: unknown,
    threw: boolean,
    scope: CallScope | undefined,
  ): void {
    if (generation !== this.generation) return;
    if (threw && (error instanceof BrokenCircuitError || error instanceof BulkheadRejectedError)) {
      // Not the dependency's doing: give a probe permit back, count nothing.
      if (this.current === 'half_open') this.probesAdmitted--;
      return;
    }
    let failed = false;
    if (threw) {
      try {
        failed = this.config.isFailure(error);
      } catch (predicateError) {
        diag.error(`circuitBreaker "${this.name}": isFailure threw`, predicateError);
        failed = true;
      }
    }
    const slow = now - startedAt >= this.config.slowCallDurationMs;
    if (this.current === 'closed') {
      this.recordClosed(now, failed, slow, scope);
      return;
    }
    if (this.current === 'half_open') {
      this.probesDone++;
      if (failed) this.probeFailures++;
      if (slow) this.probeSlow++;
      if (this.probesDone < this.config.halfOpenMaxCalls) return;
      const reopen = this.exceeds(this.probesDone, this.probeFailures, this.probeSlow);
      this.transition(reopen ? 'open' : 'closed', now, scope);
    }
  }

  /** A call admitted and finished while closed, into the window; opens on a threshold. */
  private recordClosed(now: number, failed: boolean, slow: boolean, scope: CallScope | undefined): void {
    const window = this.window;
    window.record(now, failed, slow);
    if (window.calls >= this.config.minimumCalls && this.exceeds(window.calls, window.failures, window.slowCalls)) {
      this.transition('open', now, scope);
    }
  }

  private exceeds(calls: number, failures: number, slowCalls: number): boolean {
    return (
      failures / calls >= this.config.failureRateThreshold || slowCalls / calls >= this.config.slowCallRateThreshold
    );
  }

  private transition(to: BreakerState, now: number, scope: CallScope | undefined): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    this.rejected = null;
    this.generation++;
    this.probesAdmitted = 0;
    this.probesDone = 0;
    this.probeFailures = 0;
    this.probeSlow = 0;
    if (to === 'open') this.openedAt = now;
    if (to === 'half_open') this.halfOpenedAt = now;
    if (to === 'closed') this.window.clear();
    this.report(from, to, scope);
  }

  private report(from: BreakerState, to: BreakerState, scope: CallScope | undefined): void {
    try {
      instruments().breakerTransitions.add(1, {
        ...this.gaugeAttributes,
        [ATTR.TRANSITION_FROM]: from,
        [ATTR.TRANSITION_TO]: to,
      });
      scope?.target?.addEvent(EVENT.BREAKER_STATE_CHANGE, {
        [ATTR.TRANSITION_FROM]: from,
        [ATTR.TRANSITION_TO]: to,
        [ATTR.BREAKER_NAME]: this.name,
      });
    } catch (error) {
      diag.error(`circuitBreaker "${this.name}": reporting a transition failed`, error);
    }
    if (this.listeners.size === 0) return;
    const event: StateChangeEvent = { from, to, at: Date.now() };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        diag.error(`circuitBreaker "${this.name}": an onStateChange listener threw`, error);
      }
    }
  }

  stats(): BreakerStats {
    if (this.current === 'half_open') return makeStats(this.probesDone, this.probeFailures, this.probeSlow);
    this.window.advance(this.config.clock.now());
    return makeStats(this.window.calls, this.window.failures, this.window.slowCalls);
  }

  failureRate(): number {
    return this.stats().failureRate;
  }

  slowCallRate(): number {
    return this.stats().slowCallRate;
  }

  onStateChange(listener: (event: StateChangeEvent) => void): () => void {
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry = (event: StateChangeEvent): void => listener(event);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  isolate(): void {
    this.transition('forced_open', this.config.clock.now(), undefined);
  }

  reset(): void {
    const now = this.config.clock.now();
    if (this.current === 'closed') {
      this.generation++;
      this.window.clear();
      return;
    }
    this.transition('closed', now, undefined);
  }

  disable(): void {
    this.transition('disabled', this.config.clock.now(), undefined);
  }
}

function makeStats(calls: number, failures: number, slowCalls: number): BreakerStats {
  return {
    calls,
    failures,
    slowCalls,
    failureRate: calls === 0 ? 0 : failures / calls,
    slowCallRate: calls === 0 ? 0 : slowCalls / calls,
  };
}

/**
 * A circuit breaker with resilience4j's semantics.
 *
 * - `closed`: calls pass; each finished call is recorded in the sliding
 *   window (`count`: last N calls, `time`: last N seconds). Once the window
 *   holds `minimumCalls`, the breaker opens when the failure rate or the
 *   slow-call rate reaches its threshold.
 * - `open`: calls are rejected at once with {@link BrokenCircuitError}, the
 *   function is not called. After `openDurationMs` the *next call* moves the
 *   breaker to `half_open` (no timer).
 * - `half_open`: `halfOpenMaxCalls` probes are admitted, others rejected.
 *   When all probes have finished, the same thresholds over the probes decide:
 *   back to `open`, or `closed` with an empty window. Probes that do not come
 *   back within `halfOpenMaxWaitMs` reopen the breaker.
 * - `forced_open` ({@link CircuitBreaker.isolate}) rejects everything,
 *   `disabled` ({@link CircuitBreaker.disable}) admits everything; both last
 *   until {@link CircuitBreaker.reset}.
 *
 * A call that finishes after the breaker moved on (e.g. admitted while closed,
 * finishing after it opened) is not counted in the new state.
 *
 * Telemetry: within a guarded call the call span gets
 * `resilience.circuit_breaker.name`/`.state` (state at admission) and a
 * `resilience.circuit_breaker.state_change` event when the call causes a
 * transition; `resilience.circuit_breaker.transitions` counts transitions and
 * the state, failure-rate and slow-call-rate gauges are read at collection.
 * Executed directly with a `dependency`, the breaker is itself the call
 * boundary (span `"{dependency} execute"`, see `compose`).
 *
 * @example
 * const breaker = circuitBreaker({ name: 'payments', dependency: 'payment-service',
 *   window: { kind: 'count', size: 20 }, minimumCalls: 10, openDurationMs: 5000 });
 * await breaker.execute((signal) => fetch(url, { signal }));
 */
export function circuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  return new Breaker(options);
}
