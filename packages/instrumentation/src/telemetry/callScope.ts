import {
  type Attributes,
  context,
  diag,
  type Span,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { systemNow } from '../clock.js';
import { runInline } from '../policies/inlineRun.js';
import type { BoundaryCall } from '../policies/policy.js';
import type { FixedHistogram } from './fixedHistogram.js';
import { callTracer, instruments } from './instruments.js';
import { metricRoute } from './metricRoute.js';
import { ATTR, OUTCOME, type Outcome } from './names.js';
import { outcomeOf } from './outcome.js';
import { durationSeries, type InflightCounter, inflightCounter } from './registry.js';
import { skippedUnder } from './tracingOptions.js';

/**
 * Where a guarded call's span comes from.
 *
 * A *call boundary* opens one CLIENT span `"{dependency} {operation}"` per
 * logical call, records `resilience.call.duration` and counts the call in
 * `resilience.dependency.inflight`. The boundary is the outermost of:
 * - `instrument()`, `instrumentFunction()` and the fetch wrappers (operation =
 *   method name / HTTP method);
 * - `compose(...)`, whose dependency is its `dependency` option or the first
 *   child policy that has one (operation = its `operation` option, default
 *   `execute`);
 * - a single `circuitBreaker` or `bulkhead` executed directly with a
 *   `dependency` option (operation `execute`).
 *
 * Inside a boundary, policies annotate the boundary's span (breaker state at
 * admission, bulkhead queue wait, transitions) through a {@link CallScope}
 * instead of opening spans of their own. A policy executed *synchronously*
 * from inside a call's task (e.g. `pool.execute(() => breaker.execute(fn))`)
 * with the same or no dependency joins that call; anything else starts a
 * call of its own, whose span is a child of the current one.
 */
export interface CallScope {
  readonly endpoint: Endpoint;
  /** The call span (non-recording when unsampled). */
  readonly span: Span;
  /**
   * Span that policies annotate: the call span, or the current attempt span
   * inside a retry. Undefined when the span is not recording, so policies
   * skip attribute work entirely for unsampled calls.
   */
  target: Span | undefined;
  readonly dependency: string;
}

let ambient: CallScope | undefined;

/** Makes `scope` the ambient call scope; returns the previous one. @internal */
export function enterScope(scope: CallScope | undefined): CallScope | undefined {
  const previous = ambient;
  ambient = scope;
  return previous;
}

/** @internal */
export function leaveScope(previous: CallScope | undefined): void {
  ambient = previous;
}

/** The call scope of the task running synchronously right now, if any. @internal */
export function ambientScope(): CallScope | undefined {
  return ambient;
}

/**
 * The call scope a policy executed now should join: the ambient one if its
 * dependency matches (or the policy has none). @internal
 */
export function joinableScope(dependency: string | undefined): CallScope | undefined {
  const scope = ambient;
  if (scope === undefined) return undefined;
  if (dependency !== undefined && dependency !== scope.endpoint.dependency) return undefined;
  return scope;
}

/**
 * Per-(dependency, operation) data built once: span name and options, the
 * in-flight counter, and one frozen attribute set per outcome for the
 * duration histogram, so a call allocates no attribute objects.
 * @internal
 */
export class Endpoint {
  readonly spanName: string;
  readonly spanOptions: SpanOptions;
  readonly inflight: InflightCounter;
  readonly durationAttributes: Readonly<Record<Outcome, Attributes>>;
  /** The pre-aggregated duration series of the dependency, by outcome. */
  readonly durations: Readonly<Record<Outcome, FixedHistogram>>;
  /** `durations.success`, the series nearly every call records into. */
  readonly successDurations: FixedHistogram;

  constructor(
    readonly dependency: string,
    readonly operation: string,
  ) {
    this.spanName = `${dependency} ${operation}`;
    // `peer.service` is set once the span is known to record, not passed
    // here: the SDK copies and validates creation attributes of every span,
    // sampled or not (≈ 80 ns a call). Samplers still see the dependency in
    // the span name.
    this.spanOptions = { kind: SpanKind.CLIENT };
    this.inflight = inflightCounter(dependency);
    const byOutcome = {} as Record<Outcome, Attributes>;
    for (const outcome of Object.values(OUTCOME)) {
      byOutcome[outcome] = Object.freeze({ [ATTR.PEER_SERVICE]: dependency, [ATTR.OUTCOME]: outcome });
    }
    this.durationAttributes = Object.freeze(byOutcome);
    this.durations = durationSeries(dependency);
    this.successDurations = this.durations[OUTCOME.SUCCESS];
  }
}

const endpoints = new Map<string, Map<string, Endpoint>>();
let lastEndpoint: Endpoint | undefined;

/** Some endpoint made so far, if any (for callShapes.ts). @internal */
export function anyEndpoint(): Endpoint | undefined {
  return lastEndpoint;
}

/** The shared {@link Endpoint} of a dependency and operation. @internal */
export function endpointFor(dependency: string, operation: string): Endpoint {
  let byOperation = endpoints.get(dependency);
  if (byOperation === undefined) {
    byOperation = new Map();
    endpoints.set(dependency, byOperation);
  }
  let endpoint = byOperation.get(operation);
  if (endpoint === undefined) {
    endpoint = new Endpoint(dependency, operation);
    byOperation.set(operation, endpoint);
    lastEndpoint = endpoint;
  }
  return endpoint;
}

/** What a call boundary's span is while tracing is off, or before it started. @internal */
export const NOOP_SPAN: Span = trace.wrapSpanContext({ traceId: '', spanId: '', traceFlags: 0 });

/**
 * The call span of a new call: the no-op span under an unsampled parent or
 * without an SDK, else the SDK's (sampled or not). Never throws.
 */
function startCallSpan(endpoint: Endpoint): Span {
  try {
    // The parent first: under an unsampled parent not even the provider is
    // looked up. The parent stays the active span, so what the task sends
    // downstream still carries its trace and its "not sampled".
    if (skippedUnder(context.active()) !== undefined) return NOOP_SPAN;
    const tracer = callTracer();
    return tracer === undefined ? NOOP_SPAN : tracer.startSpan(endpoint.spanName, endpoint.spanOptions);
  } catch (error) {
    return spanFailed(error);
  }
}

function spanFailed(error: unknown): Span {
  diag.error('@faultline/instrumentation: starting a span failed', error);
  return NOOP_SPAN;
}

function setPeerService(span: Span, dependency: string): void {
  try {
    span.setAttribute(ATTR.PEER_SERVICE, dependency);
  } catch (error) {
    diag.error('@faultline/instrumentation: annotating a span failed', error);
  }
}

/**
 * Ends a call that started at `startedAt` (`performance.now()`): duration,
 * outcome, span, in-flight count. Never throws. @internal
 *
 * Kept small on purpose, like the rest of the per-call path: V8 inlines
 * callees into a hot function only up to a bytecode budget, and every
 * callee left out of line costs a call and the optimizations across it. So
 * what unsampled calls never do (span annotation, the API route) lives in
 * functions of its own.
 */
export function finishCall(scope: CallScope, threw: boolean, error: unknown, startedAt: number, endedAt: number): void {
  const endpoint = scope.endpoint;
  endpoint.inflight.value--;
  const seconds = (endedAt - startedAt) / 1000;
  // The package's own series cannot throw; the producer that exports them
  // also keeps the gauges registered with the current MeterProvider.
  if (!threw && metricRoute.preAggregated && scope.span === NOOP_SPAN) endpoint.successDurations.record(seconds);
  else finishOtherwise(scope, threw, error, seconds);
}

/** A failed call, the API metric route, or a call with a span to end. */
function finishOtherwise(scope: CallScope, threw: boolean, error: unknown, seconds: number): void {
  const endpoint = scope.endpoint;
  const outcome = threw ? outcomeOf(error) : OUTCOME.SUCCESS;
  if (metricRoute.preAggregated) endpoint.durations[outcome].record(seconds);
  else recordThroughApi(endpoint, outcome, seconds);
  const span = scope.span;
  // The no-op span needs no end: skipping the call keeps this site
  // monomorphic in processes that also record spans.
  if (span !== NOOP_SPAN) endSpan(span, scope.target !== undefined, outcome, error);
}

function recordThroughApi(endpoint: Endpoint, outcome: Outcome, seconds: number): void {
  try {
    // instruments() also registers the gauges with the current MeterProvider.
    instruments().callDuration.record(seconds, endpoint.durationAttributes[outcome]);
  } catch (telemetryError) {
    diag.error('@faultline/instrumentation: recording a call duration failed', telemetryError);
  }
}

function endSpan(span: Span, recording: boolean, outcome: Outcome, error: unknown): void {
  try {
    if (recording) {
      span.setAttribute(ATTR.OUTCOME, outcome);
      if (outcome !== OUTCOME.SUCCESS) {
        if (error instanceof Error) span.recordException(error);
        else span.recordException(String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      }
    }
    span.end();
  } catch (telemetryError) {
    diag.error('@faultline/instrumentation: ending a call span failed', telemetryError);
  }
}

/**
 * Runs `call` from its first stage as one logical call to `endpoint`: span,
 * duration, in-flight count. The span is made active for the task only when
 * it records (an unsampled span would change nothing downstream but cost a
 * context switch per call). The call is ended by the inline run that starts
 * the chain (`inlineRun.ts`), in the same settlement as the chain's own
 * after-work, or synchronously when it fails fast. @internal
 */
export function runAsCall<T>(call: BoundaryCall<T>, signal: AbortSignal): Promise<T> {
  const endpoint = call.endpoint;
  endpoint.inflight.value++;
  const startedAt = systemNow();
  const span = startCallSpan(endpoint);
  const end = call.chain.runEnd[0] as number;
  if (span === NOOP_SPAN) return runInline(call, 0, end, signal, startedAt, true);
  return runWithSpan(call, span, end, signal, startedAt);
}

/** The rest of {@link runAsCall} once the SDK handed out a span. */
function runWithSpan<T>(call: BoundaryCall<T>, span: Span, end: number, signal: AbortSignal, startedAt: number) {
  call.span = span;
  if (!span.isRecording()) return runInline(call, 0, end, signal, startedAt, true);
  call.target = span;
  setPeerService(span, call.endpoint.dependency);
  try {
    return context.with(
      trace.setSpan(context.active(), span),
      runInline,
      undefined,
      call,
      0,
      end,
      signal,
      startedAt,
      true,
    ) as Promise<T>;
  } catch (error) {
    // Only a throwing context manager gets here; the call did not run.
    finishCall(call, true, error, startedAt, systemNow());
    return Promise.reject(error);
  }
}
