import { type Context, INVALID_TRACEID, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';
import { fail } from '../policies/optionChecks.js';

/** Options of {@link configureTracing}. */
export interface TracingOptions {
  /**
   * A guarded call or saga whose parent span was not sampled starts no span
   * of its own: its trace was already dropped upstream, and under a ParentBased
   * sampler (OpenTelemetry's default, and what `startTelemetry` installs)
   * the SDK would only hand back a non-recording span, at ≈ 0.5 µs a call.
   * Metrics are recorded either way. Set `false` if your sampler may sample
   * a child of an unsampled parent (a plain ratio or AlwaysOn sampler without
   * ParentBased): then every call asks the SDK. Default `true`.
   */
  inheritUnsampledParent?: boolean;
}

/** The process-wide tracing options of the package. @internal */
export const tracingOptions: Required<TracingOptions> = { inheritUnsampledParent: true };

/**
 * Changes how guarded calls start their spans (process-wide). Options left
 * out keep their current value.
 *
 * @example
 * configureTracing({ inheritUnsampledParent: false }); // your sampler is not ParentBased
 */
export function configureTracing(options: TracingOptions): void {
  if (options === null || typeof options !== 'object') fail('configureTracing', 'options', 'an object', options);
  const inherit = options.inheritUnsampledParent;
  if (inherit !== undefined) {
    if (typeof inherit !== 'boolean') fail('configureTracing', 'inheritUnsampledParent', 'a boolean', inherit);
    tracingOptions.inheritUnsampledParent = inherit;
  }
  lastContext = undefined;
}

// The last context asked about and the answer (holds one context alive at most).
let lastContext: Context | undefined;
let lastAnswer: SpanContext | undefined;

/**
 * The parent span context of `ctx` when a span started under it would be
 * skipped: the option is on and the parent is valid and not sampled. Under a
 * ParentBased sampler its children are never sampled, so asking the SDK
 * costs ≈ 0.5–1 µs (ids, sampler, a non-recording span) for a span nobody
 * sees. The trace id is checked for shape only (the SDK checks hex digits
 * too; a malformed id would start a new root there). @internal
 */
export function skippedUnder(ctx: Context): SpanContext | undefined {
  // Contexts are immutable: the calls a request makes share one, so the
  // answer for the last one asked about is kept (a span-context lookup and
  // four checks per call otherwise).
  return ctx === lastContext ? lastAnswer : decideFor(ctx);
}

function decideFor(ctx: Context): SpanContext | undefined {
  const parent = tracingOptions.inheritUnsampledParent ? trace.getSpanContext(ctx) : undefined;
  lastAnswer =
    parent !== undefined &&
    (parent.traceFlags & TraceFlags.SAMPLED) === 0 &&
    parent.traceId.length === 32 &&
    parent.traceId !== INVALID_TRACEID
      ? parent
      : undefined;
  lastContext = ctx;
  return lastAnswer;
}
