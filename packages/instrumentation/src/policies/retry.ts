import { type Attributes, context, diag, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type Clock, systemClock } from '../clock.js';
import { BrokenCircuitError, BulkheadRejectedError } from '../errors.js';
import { type CallScope, type Endpoint, endpointFor } from '../telemetry/callScope.js';
import { instruments, tracer } from '../telemetry/instruments.js';
import { ATTR, OUTCOME, type Outcome } from '../telemetry/names.js';
import { outcomeOf } from '../telemetry/outcome.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { checkNumber, checkOptionalFunction, checkOptionalName, fail } from './optionChecks.js';
import { type Call, type Chain, chainOf, executeChain, type Policy, type Stage, type Task } from './policy.js';
import { RetryBudget, type RetryBudgetOptions } from './retryBudget.js';

export type { BackoffOptions, Jitter } from './backoff.js';
export type { RetryBudgetOptions } from './retryBudget.js';

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Attempts in total, the first included; integer >= 1. Default 3. */
  maxAttempts?: number;
  /** Delay between attempts. Defaults: 100 ms doubling up to 10 s, full jitter. */
  backoff?: BackoffOptions;
  /** Caps retries to a share of the traffic (see {@link RetryBudgetOptions}). Default: no budget. */
  budget?: RetryBudgetOptions;
  /**
   * Whether an error is worth another attempt (`attempt` = the attempt that
   * failed, 1-based). Default: every error. `BrokenCircuitError` and
   * `BulkheadRejectedError` are never retried whatever this says.
   */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Dependency guarded; for `peer.service` when not inside a guarded call. */
  dependency?: string;
  /** Time source for the budget (tests). Default `performance.now()`. */
  clock?: Clock;
  /** Random source for jitter, in [0, 1) (tests). Default `Math.random`. */
  random?: () => number;
}

/** Why a retry policy stopped and rethrew. */
export type GiveUpReason = 'max_attempts' | 'not_retryable' | 'budget_exhausted' | 'aborted';

/** Passed to `onGiveUp` listeners: the call failed for good. */
export interface GiveUpEvent {
  readonly attempts: number;
  readonly error: unknown;
  readonly reason: GiveUpReason;
}

/** Passed to `onRetry` listeners, before the delay. */
export interface RetryEvent {
  /** The attempt about to be made (2 = first retry). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
}

/** A retry policy. */
export interface RetryPolicy extends Policy {
  readonly maxAttempts: number;
  /** Subscribes to "gave up" events; returns the unsubscribe function. */
  onGiveUp(listener: (event: GiveUpEvent) => void): () => void;
  /** Subscribes to retries; returns the unsubscribe function. */
  onRetry(listener: (event: RetryEvent) => void): () => void;
}

function outcomeAttributes(dependency: string | undefined): Readonly<Record<Outcome, Attributes>> {
  const byOutcome = {} as Record<Outcome, Attributes>;
  for (const outcome of Object.values(OUTCOME)) {
    byOutcome[outcome] = Object.freeze(
      dependency === undefined
        ? { [ATTR.OUTCOME]: outcome }
        : { [ATTR.PEER_SERVICE]: dependency, [ATTR.OUTCOME]: outcome },
    );
  }
  return Object.freeze(byOutcome);
}

function emit<E>(listeners: Set<(event: E) => void>, event: E): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      diag.error('retry: a listener threw', error);
    }
  }
}

function subscribe<E>(listeners: Set<(event: E) => void>, listener: (event: E) => void): () => void {
  const entry = (event: E): void => listener(event);
  listeners.add(entry);
  return () => {
    listeners.delete(entry);
  };
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

class Retry implements RetryPolicy, Stage {
  readonly maxAttempts: number;
  readonly dependency: string | undefined;
  private readonly backoff: Backoff;
  private readonly budget: RetryBudget | undefined;
  private readonly shouldRetry: ((error: unknown, attempt: number) => boolean) | undefined;
  private readonly random: () => number;
  /** Built last in the constructor: the chain reads what the stage is (`Chain.timed`). */
  private readonly chain: Chain;
  private readonly endpoint: Endpoint | undefined;
  private readonly ownAttributes: Readonly<Record<Outcome, Attributes>>;
  private readonly giveUpListeners = new Set<(event: GiveUpEvent) => void>();
  private readonly retryListeners = new Set<(event: RetryEvent) => void>();

  constructor(options: RetryOptions = {}) {
    const P = 'retry';
    if (options === null || typeof options !== 'object') fail(P, 'options', 'an object', options);
    this.maxAttempts = checkNumber(P, 'maxAttempts', options.maxAttempts ?? 3, {
      min: 1,
      minInclusive: true,
      integer: true,
      max: 1000,
    });
    this.backoff = new Backoff(options.backoff);
    this.budget =
      options.budget === undefined ? undefined : new RetryBudget(options.budget, options.clock ?? systemClock);
    this.shouldRetry = checkOptionalFunction(P, 'shouldRetry', options.shouldRetry);
    this.random = checkOptionalFunction(P, 'random', options.random) ?? Math.random;
    this.dependency = checkOptionalName(P, 'dependency', options.dependency);
    this.endpoint = this.dependency === undefined ? undefined : endpointFor(this.dependency, 'execute');
    this.ownAttributes = outcomeAttributes(this.dependency);
    this.chain = chainOf([this]);
  }

  execute<T>(fn: Task<T>, signal?: AbortSignal): Promise<T> {
    return executeChain(this.chain, this.endpoint, fn, signal);
  }

  onGiveUp(listener: (event: GiveUpEvent) => void): () => void {
    return subscribe(this.giveUpListeners, listener);
  }

  onRetry(listener: (event: RetryEvent) => void): () => void {
    return subscribe(this.retryListeners, listener);
  }

  async runStage<T>(call: Call<T>, index: number, signal: AbortSignal): Promise<T> {
    const scope = call.scope;
    const attributes = scope === undefined ? this.ownAttributes : scope.endpoint.durationAttributes;
    this.budget?.recordRequest();
    for (let attempt = 1; ; attempt++) {
      const span = this.startAttempt(scope, attempt);
      try {
        const result =
          span === undefined
            ? await call.invoke(index + 1, signal)
            : await this.invokeIn(span, call, index, signal, scope as CallScope);
        this.endAttempt(span, attributes, OUTCOME.SUCCESS, undefined);
        return result;
      } catch (error) {
        this.endAttempt(span, attributes, outcomeOf(error), error);
        const reason = this.giveUpReason(error, attempt, signal);
        if (reason !== undefined) {
          if (this.giveUpListeners.size > 0) emit(this.giveUpListeners, { attempts: attempt, error, reason });
          throw error;
        }
        const delayMs = this.backoff.delay(attempt, this.random());
        if (this.retryListeners.size > 0) emit(this.retryListeners, { attempt: attempt + 1, delayMs, error });
        if (delayMs > 0) await sleep(delayMs, signal);
      }
    }
  }

  private giveUpReason(error: unknown, attempt: number, signal: AbortSignal): GiveUpReason | undefined {
    if (signal.aborted) return 'aborted';
    // Retrying a rejection only adds load where the system already said no.
    if (error instanceof BrokenCircuitError || error instanceof BulkheadRejectedError) return 'not_retryable';
    if (this.shouldRetry !== undefined) {
      let retryable = false;
      try {
        retryable = this.shouldRetry(error, attempt);
      } catch (predicateError) {
        diag.error('retry: shouldRetry threw', predicateError);
      }
      if (!retryable) return 'not_retryable';
    }
    if (attempt >= this.maxAttempts) return 'max_attempts';
    if (this.budget !== undefined && !this.budget.tryRetry()) return 'budget_exhausted';
    return undefined;
  }

  /** A child span per attempt, only when the call span records. */
  private startAttempt(scope: CallScope | undefined, attempt: number): Span | undefined {
    if (scope?.target === undefined) return undefined;
    try {
      const span = tracer().startSpan(
        `${scope.endpoint.spanName} attempt`,
        {
          kind: SpanKind.INTERNAL,
          attributes: { [ATTR.RETRY_ATTEMPT]: attempt, [ATTR.PEER_SERVICE]: scope.dependency },
        },
        trace.setSpan(context.active(), scope.span),
      );
      return span;
    } catch (error) {
      diag.error('retry: starting an attempt span failed', error);
      return undefined;
    }
  }

  /** Runs the rest of the chain with the attempt span active and annotated by inner policies. */
  private async invokeIn<T>(
    span: Span,
    call: Call<T>,
    index: number,
    signal: AbortSignal,
    scope: CallScope,
  ): Promise<T> {
    const previous = scope.target;
    scope.target = span.isRecording() ? span : undefined;
    try {
      return await context.with(trace.setSpan(context.active(), span), call.invoke, call, index + 1, signal);
    } finally {
      scope.target = previous;
    }
  }

  private endAttempt(
    span: Span | undefined,
    attributes: Readonly<Record<Outcome, Attributes>>,
    outcome: Outcome,
    error: unknown,
  ): void {
    try {
      instruments().retryAttempts.add(1, attributes[outcome]);
      if (span === undefined) return;
      span.setAttribute(ATTR.OUTCOME, outcome);
      if (outcome !== OUTCOME.SUCCESS) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      }
      span.end();
    } catch (telemetryError) {
      diag.error('retry: reporting an attempt failed', telemetryError);
    }
  }
}

/**
 * Retries failed calls with exponential backoff and jitter.
 *
 * Never retries a `BrokenCircuitError` or a `BulkheadRejectedError` (they mean
 * "the system said no"; retrying them is how retry storms start), nor after
 * the caller's signal aborted. An optional budget caps retries to a share of
 * the traffic. When it stops with an error it emits a "gave up" event
 * ({@link RetryPolicy.onGiveUp}) with the reason.
 *
 * Telemetry: `resilience.retry.attempts` counts every attempt with
 * `peer.service` and the attempt's `resilience.outcome`. Inside a sampled
 * guarded call, each attempt is a child span `"{dependency} {operation}
 * attempt"` carrying `resilience.retry.attempt` (1-based); policies inside
 * the retry annotate the attempt span.
 *
 * @example
 * const policy = retry({ maxAttempts: 3, backoff: { initialMs: 50, maxMs: 1000 }, budget: { ratio: 0.2 } });
 */
export function retry(options?: RetryOptions): RetryPolicy {
  return new Retry(options);
}
